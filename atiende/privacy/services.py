"""Writes: publishing the privacy notice, recording that a customer was shown it, editing the
retention rules and applying them (docs/decisions/0048-privacy-notice-and-retention.md)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from atiende.accounts.permissions import is_customer
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.exceptions import Conflict, Invalid, NotFound
from atiende.core.params import is_id_text
from atiende.core.retention import KINDS

from .models import NoticeAcceptance, NoticeMoment, PrivacyNotice, RetentionRule, RetentionUnit
from .permissions import can_manage_privacy
from .selectors import RetentionReport, enabled_rules, kind_report

log = logging.getLogger(__name__)

NOTICE_MAX = 100_000  # characters per language
BATCH = 500
MAX_AMOUNT = {RetentionUnit.DAYS: 36_500, RetentionUnit.YEARS: 100}


# --- the notice ----------------------------------------------------------------------------------

def notice_publish(*, actor: Any, body_es: str, body_en: str = "") -> PrivacyNotice:
    """Publish the next version of the notice (versions are never edited)."""
    if not can_manage_privacy(actor):
        raise NotFound()
    body_es, body_en = (body_es or "").replace("\x00", "").strip(), (body_en or "").replace("\x00", "").strip()
    errors = {}
    if not body_es:
        errors["body_es"] = _("Write the notice in Spanish: it is the text that binds in Mexico.")
    for name, text in (("body_es", body_es), ("body_en", body_en)):
        if len(text) > NOTICE_MAX:
            errors[name] = _("At most %(limit)s characters.") % {"limit": NOTICE_MAX}
    if errors:
        raise Invalid(fields=errors)
    try:
        with transaction.atomic():
            version = (PrivacyNotice.objects.aggregate(top=Max("version"))["top"] or 0) + 1
            notice = PrivacyNotice.objects.create(version=version, body_es=body_es, body_en=body_en,
                                                  published_at=clock.now(), published_by=actor)
            audit_record("privacy.notice_published", actor=actor, target=notice,
                         target_label=_("Privacy notice, version %(version)s") % {"version": version},
                         after={"version": version})
    except IntegrityError:  # someone published the same version number a moment before
        raise Conflict(_("Someone else published a version just now. Reload and try again.")) from None
    return notice


def notice_accept(*, user: Any, notice: PrivacyNotice, moment: str) -> NoticeAcceptance | None:
    """Record that this customer was shown `notice` and went on (idempotent). Agents: nothing."""
    if not is_customer(user) or moment not in NoticeMoment.values:
        return None
    acceptance, _created = NoticeAcceptance.objects.get_or_create(
        user=user, notice=notice, defaults={"moment": moment, "accepted_at": clock.now()})
    return acceptance


def notice_accept_shown(*, user: Any, version: str, moment: str) -> NoticeAcceptance | None:
    """`notice_accept` for the version a page showed (its number as the form sent it); an
    unknown or missing number records nothing."""
    if not is_id_text(version or ""):
        return None
    notice = PrivacyNotice.objects.filter(version=int(version)).first()
    return notice_accept(user=user, notice=notice, moment=moment) if notice else None


# --- retention rules -----------------------------------------------------------------------------

def _clean_rule(key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    enabled = bool(values.get("enabled"))
    unit = values.get("unit") or KINDS[key].default_unit
    if unit not in RetentionUnit.values:
        raise Invalid(fields={f"{key}-unit": _("Choose days or years.")})
    try:
        amount = int(values.get("amount") or 0)
    except (TypeError, ValueError):
        amount = 0
    if enabled and not 1 <= amount <= MAX_AMOUNT[unit]:
        raise Invalid(fields={f"{key}-amount": _("Between 1 and %(limit)s.") % {"limit": MAX_AMOUNT[unit]}})
    return {"enabled": enabled, "amount": min(max(amount, 1), MAX_AMOUNT[unit]), "unit": unit}


def retention_rules_set(*, actor: Any, rules: Mapping[str, Mapping[str, Any]]) -> list[RetentionRule]:
    """Set the rules of the kinds given ({kind: {"enabled", "amount", "unit"}}); other kinds keep
    theirs. Audited with the values before and after."""
    if not can_manage_privacy(actor):
        raise NotFound()
    unknown = sorted(set(rules) - set(KINDS))
    if unknown:
        raise Invalid(fields={"kind": _("Unknown kind of data: %(kind)s") % {"kind": ", ".join(unknown)}})
    cleaned = {key: _clean_rule(key, values) for key, values in rules.items()}
    saved = []
    with transaction.atomic():
        existing = {rule.kind: rule for rule in RetentionRule.objects.select_for_update().filter(kind__in=cleaned)}
        before = {key: _rule_state(existing.get(key)) for key in cleaned}
        for key, values in cleaned.items():
            rule = existing.get(key) or RetentionRule(kind=key)
            for name, value in values.items():
                setattr(rule, name, value)
            rule.updated_at, rule.updated_by = clock.now(), actor
            rule.save()
            saved.append(rule)
        after = {rule.kind: _rule_state(rule) for rule in saved}
        if before != after:
            audit_record("retention.rules_changed", actor=actor, before=before, after=after,
                         target_label=_("Retention rules"))
    return saved


def _rule_state(rule: RetentionRule | None) -> dict[str, Any] | None:
    return None if rule is None else {"enabled": rule.enabled, "amount": rule.amount, "unit": rule.unit}


# --- the pass ------------------------------------------------------------------------------------

def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone either way; a leftover file is logged, not fatal
            log.warning("retention: could not delete %s", name, exc_info=True)


def retention_apply(*, batch: int = BATCH) -> RetentionReport:
    """Apply every enabled rule now. Each batch is its own transaction (no long locks, no huge
    rollbacks); its files are deleted from storage once it commits. A pass stopped halfway
    resumes where it stopped; a second pass finds nothing more to do. Audited as the system's
    `retention.applied` when anything was removed."""
    now = clock.now()
    report = RetentionReport(dry_run=False, at=now)
    for kind, rule in enabled_rules():
        row = kind_report(kind, rule, now)
        previous: list[int] = []
        while True:
            ids = list(kind.candidates(row.cutoff).values_list("pk", flat=True)[:batch])
            if not ids or ids == previous:  # nothing left, or rows the kind would not take
                break
            previous = ids
            with transaction.atomic():
                names = kind.purge(ids, row.cutoff)
                transaction.on_commit(lambda names=names: _delete_files(names))
            row.count += len(ids)
            if len(ids) < batch:
                break
        report.kinds.append(row)
    if report.total:
        with transaction.atomic():
            audit_record("retention.applied", actor=system_actor("privacy"), target_label=_("Retention rules"),
                         after={row.key: {"removed": row.count, "before": row.cutoff} for row in report.kinds})
    return report
