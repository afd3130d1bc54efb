"""The audit log: an append-only record of security-relevant actions (docs/decisions/0041).

Services record what they did with `audit_record(action, actor=..., target=..., before=...,
after=...)`; where the request came from (IP, browser) is taken from the request being served
(`AuditOriginMiddleware` keeps it in a context variable), so no service takes a request. Reads
for admins are `accounts.selectors.audit_entries` (the permission lives above `core`).

Values are kept as given (JSON); never pass secrets: tokens, passwords and codes are not logged,
only that they were created, used or revoked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

# Every action the product records, with its label for the admins' page.
ACTIONS = {
    "auth.sign_in": _("Signed in"),
    "auth.sign_in_failed": _("Failed sign-in"),
    "auth.sign_in_throttled": _("Sign-in refused: too many attempts"),
    "auth.sign_out": _("Signed out"),
    "auth.sign_in_link": _("Signed in with an emailed link"),
    "auth.sso_sign_in": _("Signed in with single sign-on"),
    "auth.sso_sign_in_failed": _("Failed single sign-on"),
    "auth.password_changed": _("Password changed"),
    "auth.2fa_enabled": _("Two-factor authentication turned on"),
    "auth.2fa_disabled": _("Two-factor authentication turned off"),
    "auth.2fa_reset": _("Two-factor authentication reset by an admin"),
    "auth.recovery_code_used": _("Recovery code used"),
    "auth.recovery_codes_renewed": _("New recovery codes made"),
    "auth.2fa_policy_changed": _("Roles required to use two-factor authentication changed"),
    "auth.password_reset": _("Password reset by email"),
    "auth.session_revoked": _("Session signed out"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "agent.created": _("Agent created"),
    "agent.changed": _("Agent's role or access changed"),
    "sla_policy.changed": _("SLA policy changed"),
    "trigger.changed": _("Trigger or time rule changed"),
    "routing_rule.changed": _("Routing rule changed"),
    "webhook.changed": _("Webhook changed"),
    "admin.changed": _("Changed in the administration site"),
    "data.exported": _("Personal data exported"),
    "data.erased": _("Personal data erased"),
    "data.export_downloaded": _("Personal data export downloaded"),
    "arco.request_recorded": _("ARCO request recorded"),
    "arco.request_changed": _("ARCO request changed"),
    "credit.created": _("Goodwill credit offered"),
    "credit.approved": _("Goodwill credit approved"),
    "credit.rejected": _("Goodwill credit rejected"),
    "credit.used": _("Goodwill credit marked used"),
    "credit_limit.changed": _("Credit approval limits changed"),
    "privacy.notice_published": _("Privacy notice published"),
    "retention.rules_changed": _("Retention rules changed"),
    "retention.applied": _("Retention rules applied"),
    "notice.sent": _("Notice sent to customers"),
}


@dataclass(frozen=True)
class Origin:
    ip: str | None
    user_agent: str


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


class AuditOriginMiddleware:
    """Keeps the request's address and browser for the entries recorded while serving it. Sync
    only, beside the language middleware, so the chain stays in one thread under ASGI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(Origin(ip=request.META.get("REMOTE_ADDR") or None,
                                   user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def _label(obj: Any) -> str:
    if obj is None:
        return ""
    email = getattr(obj, "email", "")
    name = getattr(obj, "name", "") or str(obj)
    return (f"{name} <{email}>" if email and email != name else name)[:300]


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if hasattr(o, "pk") and hasattr(o, "_meta"):
            return o.pk  # a related row: its id
        if isinstance(o, (set, frozenset, tuple)):
            return list(o)
        return super().default(o)


def _plain(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else json.loads(json.dumps(dict(values), cls=_Encoder))


def state_of(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """`obj`'s `fields` as the log keeps them (related rows by id), for `before` and `after`."""
    return _plain({name: getattr(obj, name) for name in fields}) or {}


def audit_record(action: str, *, actor: Any = None, target: Any = None, before: Mapping[str, Any] | None = None,
                 after: Mapping[str, Any] | None = None, target_label: str = "") -> AuditEntry:
    """Add an entry. `actor`: the user who acted (None: someone unknown, e.g. a failed sign-in);
    `target`: the row acted on. Written in the caller's transaction: an action rolled back leaves
    no entry. Unknown actions are refused, so the admins' filter lists every one."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to core.audit.ACTIONS.")
    origin = _origin.get() or Origin(ip=None, user_agent="")
    return AuditEntry.objects.create(
        action=action, actor=actor if getattr(actor, "pk", None) else None, actor_label=_label(actor),
        ip=origin.ip, user_agent=origin.user_agent,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or _label(target))[:300],
        before=_plain(before), after=_plain(after),
    )



def audit_anonymise(entries: QuerySet[AuditEntry], *, erased: str) -> int:
    """The one reviewed path that changes entries (docs/decisions/0047): a personal-data erasure
    keeps each entry (who acted, what, when, from which address) and replaces what it said about
    the person. Not reachable from any page or endpoint."""
    return QuerySet.update(entries, actor_label=erased, target_label=erased, before=None, after=None)
# --- retention: the one sanctioned deletion ------------------------------------------------------

def audit_candidates(cutoff: datetime) -> QuerySet[AuditEntry]:
    """Entries older than `cutoff`, for the audit log's retention rule (core.retention)."""
    return AuditEntry.objects.filter(created_at__lt=cutoff).order_by("created_at", "id")


def audit_prune(ids: Sequence[int], cutoff: datetime) -> list[str]:
    """Delete these entries (still older than `cutoff`). The log is append-only through the
    product; a retention rule the admin set is the one path that removes entries, and the pass
    that calls this records its own entry (`retention.applied`) with how many went."""
    doomed = AuditEntry.objects.filter(pk__in=list(ids), created_at__lt=cutoff)
    doomed._raw_delete(doomed.db)  # bypasses AuditQuerySet.delete(), which refuses on purpose
    return []


def _describe(entry: Any) -> str:
    return f"{entry.created_at:%Y-%m-%d %H:%M} {entry.action}"


def register_retention() -> None:
    from .retention import RetentionKind, register

    register(RetentionKind(
        key="audit_log", label=_("Audit log entries"), order=50, default_unit="years",
        help=_("Entries older than the limit are deleted; the pass records how many in a new entry."),
        candidates=audit_candidates, describe=_describe, purge=audit_prune))
