"""Django's own sign-in signal: the one place every way of signing in passes (the staff and
portal forms, the Django admin, tests' force_login), so no session escapes the list."""

from __future__ import annotations

from .middleware import session_touch
from .permissions import uses_staff_sign_in


def session_signed_in(sender, request, user, **kwargs) -> None:  # noqa: ARG001 - the signal's signature
    if request is not None and uses_staff_sign_in(user) and getattr(request, "session", None) is not None:
        if request.session.session_key is None:
            request.session.save()
        session_touch(request, user, force=True)
