"""The second factor as a sign-in step (the accounts.steps port, SIGN_IN_STEPS)."""

from __future__ import annotations

from django.urls import reverse

from atiende.accounts.models import User

from .permissions import uses_staff_sign_in
from .selectors import has_second_factor, role_requires_second_factor

SECOND_FACTOR_STEP = "atiende.signin.steps.second_factor_step"  # its entry in SIGN_IN_STEPS


def second_factor_step(user: User) -> str | None:
    """A user with an authenticator gives a code; one whose role requires it and has none
    enrols first; everyone else is signed in."""
    if not uses_staff_sign_in(user):
        return None
    if has_second_factor(user):
        return reverse("signin:verify")
    if role_requires_second_factor(user):
        return reverse("signin:enrol")
    return None
