"""Mail to the administrators when a subscription is disabled after failing for too long."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from atiende.accounts.models import Role, User, UserKind
from atiende.core.mail import AUTO_GENERATED_HEADERS

from .models import Subscription


def disabled_notice_send(*, subscription_id: int) -> int:
    """One mail per active administrator, in their language and time zone; how many were sent."""
    subscription = Subscription.objects.filter(pk=subscription_id, active=False).first()
    if subscription is None:  # deleted, or already turned back on
        return 0
    admins = User.objects.filter(is_active=True, kind=UserKind.AGENT, role=Role.ADMIN).order_by("pk")
    sent = 0
    for admin in admins:
        _message(subscription, admin).send()
        sent += 1
    return sent


def _message(subscription: Subscription, user: User) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE), \
            timezone.override(user.time_zone or settings.TIME_ZONE):
        since = subscription.failing_since or subscription.disabled_at
        subject = _("Webhook disabled: %(url)s") % {"url": subscription.url[:120]}
        body = _(
            "Every delivery to %(url)s has failed since %(since)s, so the subscription was disabled and its "
            "pending deliveries were given up.\n\nThe delivery log in the workspace shows each attempt's answer. "
            "Once the receiver works again, turn the subscription back on and send again the deliveries "
            "it missed."
        ) % {"url": subscription.url, "since": date_format(timezone.localtime(since), "DATETIME_FORMAT") if since else ""}
    return EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[user.email], headers=AUTO_GENERATED_HEADERS)
