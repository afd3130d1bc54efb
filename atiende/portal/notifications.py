"""Mail the portal sends: sign-in links and sign-up confirmations (called by tasks only)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User, UserKind
from atiende.core import clock
from atiende.core.mail import AUTO_GENERATED_HEADERS

from . import tokens
from .models import PendingSignup


def _send(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                 headers=AUTO_GENERATED_HEADERS).send()


def _company() -> str:
    from atiende.branding.selectors import branding_get

    return branding_get().name or settings.SITE_NAME


def sign_in_link_send(*, email: str = "", user_id: int | None = None, site: str, language: str) -> bool:
    """Mail a fresh 15-minute sign-in link to the active customer with this address (or id);
    False when there is none."""
    customers = User.objects.filter(kind=UserKind.CUSTOMER, is_active=True)
    user = (customers.filter(pk=user_id) if user_id is not None else customers.filter(email=email)).first()
    if user is None:
        return False
    link = site.rstrip("/") + reverse("portal:link", kwargs={"token": tokens.sign_in_token(user, clock.now())})
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        subject = _("Your sign-in link for %(company)s") % {"company": _company()}
        body = _(
            "Hello %(name)s,\n\nUse this link to sign in to %(company)s. It works once, within "
            "15 minutes:\n\n%(link)s\n\nIf you did not ask for it, ignore this message: nobody can "
            "sign in without it.\n"
        ) % {"name": user.name, "company": _company(), "link": link}
    _send(to=user.email, subject=subject, body=body)
    return True


def signup_confirmation_send(*, pending_id: int, site: str) -> bool:
    pending = PendingSignup.objects.filter(pk=pending_id).first()
    if pending is None:
        return False
    if User.objects.filter(email=pending.email, kind=UserKind.AGENT).exists():
        pending.delete()  # an agent's address gets nothing (and signup_confirm would refuse it)
        return False
    link = site.rstrip("/") + reverse("portal:signup-confirm",
                                      kwargs={"token": tokens.signup_token(pending.pk, pending.nonce)})
    with translation.override(pending.language or settings.LANGUAGE_CODE):
        subject = _("Confirm your email address for %(company)s") % {"company": _company()}
        body = _(
            "Hello %(name)s,\n\nTo finish creating your account at %(company)s, open this link within "
            "24 hours:\n\n%(link)s\n\nIf you did not sign up, ignore this message: no account is "
            "created without it.\n"
        ) % {"name": pending.name, "company": _company(), "link": link}
    _send(to=pending.email, subject=subject, body=body)
    return True
