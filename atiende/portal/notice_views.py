"""A notice read on the web, and unsubscribing from non-essential notices, from a notice's links.

Public (the signed link is the key). A GET only asks for confirmation, because mail scanners open
every link; the POST unsubscribes. The POST is exempt from CSRF: RFC 8058's one-click unsubscribe
is a POST from the mail provider, without our cookie, and the unguessable token in the address is
what authorizes it (a forged POST could only unsubscribe the customer the forger already holds the
link of)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from atiende.notices import selectors as notice_selectors
from atiende.notices import services as notices
from atiende.notices.tokens import read_token


@csrf_exempt
@require_http_methods(["GET", "POST"])
def notice_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        valid = read_token(token) is not None
        return render(request, "portal/notice_unsubscribe.html", {"token": token, "invalid": not valid},
                      status=200 if valid else 400)
    customer = notices.notice_unsubscribe(token=token)
    return render(request, "portal/notice_unsubscribe.html", {"token": token, "invalid": customer is None,
                                                               "done": customer is not None},
                  status=200 if customer is not None else 400)



@require_http_methods(["GET"])
def notice_read_view(request: HttpRequest, token: str) -> HttpResponse:
    """The whole notice, for a channel that carried only its subject and this link (WhatsApp)."""
    reading = notice_selectors.notice_reading(token)
    return render(request, "portal/notice_read.html", {"reading": reading}, status=200 if reading else 404)
