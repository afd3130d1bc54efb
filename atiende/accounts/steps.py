"""The sign-in steps after the password: a port owned by accounts, filled by the apps to its
right (the second factor: `atiende.signin.steps`).

SIGN_IN_STEPS lists callables `(user) -> str | None`: the address of a page the user must pass
before being signed in, or None. While a step is pending the session is NOT signed in: it holds
only the user's id, when the password was proved and a digest of the password hash, for
PENDING_SECONDS. The step's page reads `pending_user` and calls `pending_finish` when done."""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from atiende.core import clock

from .models import User

PENDING_KEY = "_signin_pending"
PENDING_SECONDS = 600
BACKEND = "atiende.accounts.backends.EmailBackend"


def next_step(user: User, *, skip: Collection[str] = ()) -> str | None:
    """The first step `user` must still pass after the password, or None. `skip`: steps (their
    paths in SIGN_IN_STEPS) the caller knows are already met."""
    for path in getattr(settings, "SIGN_IN_STEPS", []):
        if path in skip:
            continue
        target = import_string(path)(user)
        if target:
            return target
    return None


def after_password(request: HttpRequest, user: User, *, next_url: str, skip: Collection[str] = ()) -> HttpResponse:
    """The password (or the single sign-on provider) vouched for `user`: sign in, or send the
    session to the next step first."""
    step = next_step(user, skip=skip)
    if step is None:
        login(request, user, backend=BACKEND)
        return redirect(next_url)
    # A fresh session for the half-signed-in state (no fixation), without whoever was signed in before.
    request.session.flush()
    request.session[PENDING_KEY] = {"user": user.pk, "at": clock.now().timestamp(), "next": next_url,
                                    "hash": user.get_session_auth_hash()}
    return redirect(step)


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password this session proved, while still fresh and unchanged; else None."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or clock.now().timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(pending.get("hash", ""))):
        return None
    return user


def pending_finish(request: HttpRequest, user: User) -> str:
    """Sign the pending user in (the step was passed); the address to go on to."""
    target = str(request.session.get(PENDING_KEY, {}).get("next") or "/")
    login(request, user, backend=BACKEND)
    request.session.pop(PENDING_KEY, None)
    return target


def pending_cancel(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
