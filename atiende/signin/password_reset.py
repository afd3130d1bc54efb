"""Staff password reset by mail (customers use the portal's sign-in link). The request answers
the same, in the same time, whatever the address: the lookup and the mail happen after the
response (core.jobs.enqueue_after_response). The link carries Django's reset token, which dies
once the password changes (or the user signs in), and after PASSWORD_RESET_TIMEOUT."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from atiende.accounts import throttle
from atiende.accounts.models import User, UserKind, normalize_email
from atiende.core.audit import audit_record
from atiende.core.exceptions import Invalid
from atiende.core.jobs import enqueue_after_response
from atiende.core.mail import AUTO_GENERATED_HEADERS

from .models import SignedInSession
from .services import end_session


def _agents():
    return User.objects.filter(kind=UserKind.AGENT, is_active=True)


def password_reset_request(*, email: str, client_ip: str, site: str, language: str) -> None:
    """Mail a reset link when `email` is an active agent's; LoginThrottled over the mail limits."""
    from .tasks import send_password_reset

    address = normalize_email(email)
    throttle.request_allowed(email=address, client_ip=client_ip)
    enqueue_after_response(send_password_reset, email=address, site=site, language=language)


def password_reset_send(*, email: str, site: str, language: str) -> bool:
    """Called by the task: False (and no mail) when no active agent has this address."""
    user = _agents().filter(email=email).first()
    if user is None or not user.has_usable_password():
        return False
    path = reverse("signin:password-reset-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        subject = _("Reset your password for %(site)s") % {"site": settings.SITE_NAME}
        body = _("Hello %(name)s,\n\nUse this link to choose a new password:\n\n%(link)s\n\nIf you did not ask "
                 "for it, ignore this message: your password stays as it is.\n") % {
            "name": user.name, "link": site.rstrip("/") + path}
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
                 headers=AUTO_GENERATED_HEADERS).send()
    return True


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    """The agent a reset link is for, while it is valid; else None."""
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = _agents().filter(pk=user_id).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_complete(*, user: User, new: str) -> None:
    """Set the new password and end every session of the user (the link is used up with it)."""

    try:
        password_validation.validate_password(new, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="password_invalid", fields={"new": " ".join(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        for row in SignedInSession.objects.filter(user=user):
            end_session(row)
        audit_record("auth.password_reset", actor=user, target=user)
