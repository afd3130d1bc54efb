"""Lists staff sessions so their owners can see and end them: the row is made at sign-in
(`signals.session_signed_in`) and its "last seen" moved here, at most once a minute, without a
query in between (the time of the last write is kept in the session itself)."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse

from atiende.accounts.throttle import client_ip

from . import services
from .permissions import uses_staff_sign_in

SEEN_KEY = "_signin_seen"


class SessionTrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.session.session_key:  # no session (from the cookie, no query): nothing to list
            return response
        user = getattr(request, "user", None)  # after the view: a sign-in or sign-out may have changed it
        if user is not None and uses_staff_sign_in(user):
            session_touch(request, user)
        return response


def session_touch(request: HttpRequest, user, *, force: bool = False) -> None:
    key = request.session.session_key
    seen = request.session.get(SEEN_KEY)
    if not force and isinstance(seen, list) and seen[0] == key and time.time() - seen[1] < services.TOUCH_SECONDS:
        return
    services.session_seen(user=user, session_key=key, user_agent=request.headers.get("User-Agent", ""),
                          ip=client_ip(request))
    request.session[SEEN_KEY] = [key, time.time()]
