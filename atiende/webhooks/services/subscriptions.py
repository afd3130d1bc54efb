"""Subscriptions: what an administrator creates, changes and deletes (API and workspace page)."""

from __future__ import annotations

import secrets as random_secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.audit import audit_record, state_of
from atiende.core.exceptions import Forbidden, Invalid

from ..events import EVENTS
from ..http import url_problem
from ..models import Subscription
from ..permissions import can_manage_webhooks
from .deliveries import forget_subscriptions

FIELDS = ("url", "secret", "events", "description", "active")
MIN_SECRET = 16
MAX_SECRET = 200
MAX_URL = 2000


def new_secret() -> str:
    return "whsec_" + random_secrets.token_urlsafe(32)


def subscription_create(*, actor: User, url: str, events: list[str], secret: str = "", description: str = "",
                        active: bool = True) -> Subscription:
    """A new subscription; without a secret one is made (the caller shows it once)."""
    if not can_manage_webhooks(actor):
        raise Forbidden()
    values = _clean({"url": url, "events": events, "secret": secret or new_secret(), "description": description,
                     "active": active}, required=("url", "events"))
    subscription = Subscription(**values)
    with transaction.atomic():
        subscription.save()
        audit_record("webhook.changed", actor=actor, target=subscription, after=state_of(subscription, AUDITED))
        forget_subscriptions()
    return subscription


AUDITED = ("url", "events", "description", "active")  # never the secret


def subscription_update(*, actor: User, subscription: Subscription, **changes: Any) -> Subscription:
    """Change what is given; an empty secret keeps the stored one. Turning a disabled subscription
    back on starts it afresh (no failure streak)."""
    if not can_manage_webhooks(actor):
        raise Forbidden()
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Invalid(fields={name: _("This field cannot be changed.") for name in sorted(unknown)})
    if not changes.get("secret", "x"):
        changes.pop("secret")
    values = _clean(changes, required=())
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        before = state_of(subscription, AUDITED)
        if values.get("active") and not subscription.active:
            subscription.failing_since = subscription.disabled_at = None
        for name, value in values.items():
            setattr(subscription, name, value)
        subscription.updated_at = clock.now()
        subscription.save()
        audit_record("webhook.changed", actor=actor, target=subscription, before=before,
                     after=state_of(subscription, AUDITED))
        forget_subscriptions()
    return subscription


def subscription_delete(*, actor: User, subscription: Subscription) -> None:
    """Deletes it with its delivery log."""
    if not can_manage_webhooks(actor):
        raise Forbidden()
    with transaction.atomic():
        audit_record("webhook.changed", actor=actor, target=subscription, before=state_of(subscription, AUDITED))
        subscription.delete()
        forget_subscriptions()


def _clean(values: dict[str, Any], *, required: tuple[str, ...]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in required:
        if not values.get(name):
            errors[name] = _("This field is required.")
    if values.get("url"):
        url = str(values["url"]).strip()
        problem = _("Ensure this field has no more than %(max)s characters.") % {"max": MAX_URL} \
            if len(url) > MAX_URL else url_problem(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS)
        if problem:
            errors["url"] = problem
        cleaned["url"] = url
    if "events" in values and values["events"]:
        events = values["events"]
        if not isinstance(events, list | tuple) or not all(isinstance(e, str) for e in events):
            errors["events"] = _("Give a list of event names.")
        else:
            unknown = [e for e in events if e not in EVENTS]
            if unknown:
                errors["events"] = _("Unknown events: %(names)s.") % {"names": ", ".join(sorted(set(unknown)))[:300]}
            cleaned["events"] = [e for e in EVENTS if e in events]  # one order, no repeats
    elif "events" in values:
        errors["events"] = _("Choose at least one event.")
    if "secret" in values:
        secret = str(values["secret"] or "").strip()
        if not MIN_SECRET <= len(secret) <= MAX_SECRET:
            errors["secret"] = _("The secret must be between %(min)s and %(max)s characters long.") % {
                "min": MIN_SECRET, "max": MAX_SECRET}
        cleaned["secret"] = secret
    if "description" in values:
        cleaned["description"] = " ".join(str(values["description"] or "").split())[:200]
    if "active" in values:
        cleaned["active"] = bool(values["active"])
    if errors:
        raise Invalid(fields=errors)
    return cleaned
