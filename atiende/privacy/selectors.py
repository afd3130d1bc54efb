"""Reads: the published privacy notice, whether a customer still has to see it, the retention
rules and the dry run (what a retention pass would remove now)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from atiende.accounts.permissions import is_customer
from atiende.core import clock
from atiende.core.exceptions import NotFound
from atiende.core.retention import RetentionKind, kinds

from .models import NoticeAcceptance, PrivacyNotice, RetentionRule, RetentionUnit
from .permissions import can_manage_privacy

EXAMPLES = 5


# --- the notice ----------------------------------------------------------------------------------

def notice_current() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()


def notice_get(*, version: int) -> PrivacyNotice:
    notice = PrivacyNotice.objects.filter(version=version).first()
    if notice is None:
        raise NotFound()
    return notice


def notice_versions() -> list[PrivacyNotice]:
    return list(PrivacyNotice.objects.order_by("-version"))


def notice_text(notice: PrivacyNotice, *, language: str) -> tuple[str, str]:
    """(Markdown, its language) for a reader of `language`: the English text for English readers
    when there is one, else the Spanish one (the legally binding text in Mexico)."""
    if (language or "").lower().startswith("en") and notice.body_en.strip():
        return notice.body_en, "en"
    return notice.body_es, "es"


def notice_pending(*, user: Any) -> PrivacyNotice | None:
    """The current notice when this customer has not yet been shown it (agents: never)."""
    if not is_customer(user):
        return None
    current = notice_current()
    if current is None or NoticeAcceptance.objects.filter(user=user, notice=current).exists():
        return None
    return current


def notice_acceptances(*, user: Any) -> list[NoticeAcceptance]:
    """Which versions this person was shown, and when (oldest first)."""
    return list(NoticeAcceptance.objects.filter(user=user).select_related("notice").order_by("accepted_at", "pk"))


# --- retention -----------------------------------------------------------------------------------

def cutoff_for(rule: RetentionRule, now: datetime) -> datetime:
    """The instant before which data of `rule`'s kind is past its limit. Years are calendar
    years (29 February counts back to 28 February)."""
    if rule.unit == RetentionUnit.DAYS:
        return now - timedelta(days=rule.amount)
    year = now.year - rule.amount
    try:
        return now.replace(year=year)
    except ValueError:
        return now.replace(year=year, day=28)


@dataclass(frozen=True)
class RuleRow:
    kind: RetentionKind
    rule: RetentionRule | None

    @property
    def enabled(self) -> bool:
        return bool(self.rule and self.rule.enabled)


def retention_rules(*, user: Any) -> list[RuleRow]:
    """Every registered kind with its rule (None: never set: kept forever)."""
    if not can_manage_privacy(user):
        raise NotFound()
    rules = {rule.kind: rule for rule in RetentionRule.objects.all()}
    return [RuleRow(kind=kind, rule=rules.get(kind.key)) for kind in kinds()]


def enabled_rules() -> list[tuple[RetentionKind, RetentionRule]]:
    """The rules the pass applies, in the kinds' order (rules of unknown kinds are skipped)."""
    rules = {rule.kind: rule for rule in RetentionRule.objects.filter(enabled=True)}
    return [(kind, rules[kind.key]) for kind in kinds() if kind.key in rules]


@dataclass
class KindReport:
    key: str
    label: str
    amount: int
    unit: str
    cutoff: datetime
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class RetentionReport:
    dry_run: bool
    at: datetime
    kinds: list[KindReport] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)


def kind_report(kind: RetentionKind, rule: RetentionRule, now: datetime) -> KindReport:
    return KindReport(key=kind.key, label=str(kind.label), amount=rule.amount, unit=rule.get_unit_display(),
                      cutoff=cutoff_for(rule, now))


def retention_preview(*, user: Any = None, system: bool = False) -> RetentionReport:
    """The dry run: for each enabled rule, how many rows a pass would remove now, and a few of
    them. Changes nothing. `system`: the command line (no person)."""
    if not system and not can_manage_privacy(user):
        raise NotFound()
    now = clock.now()
    report = RetentionReport(dry_run=True, at=now)
    for kind, rule in enabled_rules():
        row = kind_report(kind, rule, now)
        candidates = kind.candidates(row.cutoff)
        row.count = candidates.count()
        row.examples = [kind.describe(obj) for obj in candidates[:EXAMPLES]]
        report.kinds.append(row)
    return report
