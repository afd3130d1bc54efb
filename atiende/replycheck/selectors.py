"""Reads for the reply checker: its settings, and a draft's findings with what the ticket tells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_staff_agent, is_system
from atiende.core.exceptions import Forbidden, Invalid
from atiende.tickets.models import AuthorKind, Message, MessageKind, Ticket
from atiende.tickets.selectors import message_list, ticket_get

from . import rules
from .models import CheckerSettings, SentFinding, SentReply
from .permissions import can_check_replies, can_view_coaching, sees_every_agent

MAX_TEXT = 20_000


def checker_settings() -> CheckerSettings:
    return CheckerSettings.objects.get_or_create(pk=1)[0]


def confirmation_codes() -> list[str]:
    """The finding codes an agent confirms before sending (in the order of rules.CODES)."""
    wanted = set(checker_settings().confirm_codes or [])
    return [code for code in rules.CODES if code in wanted]


def check_language(value: Any) -> str:
    """"es", "es-MX", "es_mx" → "es"; "en", "en-US" → "en"; anything else is refused."""
    code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in rules.LANGUAGES:
        raise Invalid(fields={"language": _("Use es (es-MX) or en.")}, code="invalid_language")
    return code


def reply_check(*, user: User, text: str, language: str, customer_message: str | None = None,
                ticket_id: Any = None, attachments: int = 0) -> list[rules.Finding]:
    """The findings on a draft reply. With a ticket (which `user` must see), the customer message
    is the ticket's last one from the customer, and the customer's name, organization and
    technical standing come from it."""
    if not can_check_replies(user):
        raise Forbidden()
    ticket = ticket_get(user=user, ticket_id=ticket_id) if ticket_id is not None else None
    draft = draft_for(user=user, text=text, language=check_language(language), ticket=ticket,
                      attachments=attachments)
    if customer_message is not None and ticket is None:
        draft.customer_message = customer_message
    return rules.check(draft)


def draft_for(*, user: User, text: str, language: str, ticket: Ticket | None, attachments: int) -> rules.Draft:
    config = checker_settings()
    draft = rules.Draft(text=text, language=language, attachments=max(0, attachments), agent_name=user.name,
                        company_terms=_lines(config.company_terms), jargon=jargon_terms(config, language))
    if ticket is not None:
        _about_ticket(draft, config, ticket)
        draft.customer_message = last_customer_message(user=user, ticket=ticket)
    return draft


def _about_ticket(draft: rules.Draft, config: CheckerSettings, ticket: Ticket) -> None:
    requester = ticket.requester
    organization = ticket.organization or requester.organization
    draft.customer_name = requester.greeting_name
    draft.names = [requester.name, *([organization.name] if organization else [])]
    draft.technical = is_technical(config, organization)


def last_customer_message(*, user: User, ticket: Ticket) -> str:
    message = (message_list(user=user, ticket=ticket)
               .filter(author_kind=AuthorKind.CUSTOMER, kind=MessageKind.PUBLIC).order_by("-created_at", "-id").first())
    return message.body_text if message else ""


def is_technical(config: CheckerSettings, organization: Any) -> bool:
    if organization is None:
        return False
    if organization.segment in (config.technical_segments or []):
        return True
    return organization.sector_id is not None and config.technical_sectors.filter(pk=organization.sector_id).exists()


def jargon_terms(config: CheckerSettings, language: str) -> list[rules.JargonTerm]:
    return rules.parse_glossary(config.jargon_es if language == "es" else config.jargon_en)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def ticket_reply_check(*, user: User, ticket: Ticket, text: str, attachments: int) -> list[rules.Finding]:
    """The composer's check: in the language the customer reads (their preferred one, else the
    site's), with what the ticket tells. The caller has already fetched `ticket` for `user`."""
    if not can_check_replies(user):
        raise Forbidden()
    return rules.check(draft_for(user=user, text=text[:MAX_TEXT], language=reply_language(ticket), ticket=ticket,
                                 attachments=attachments))


def reply_language(ticket: Ticket) -> str:
    wanted = (ticket.requester.language or settings.LANGUAGE_CODE).lower()
    return "en" if wanted.startswith("en") else "es"


def counts_for_coaching(message: Message) -> bool:
    """A public reply a person who works tickets wrote: not a note, the customer, or the system."""
    return (message.kind == MessageKind.PUBLIC and message.author_kind == AuthorKind.AGENT
            and message.author_user is not None and is_staff_agent(message.author_user)
            and not is_system(message.author_user))


def sent_message(message_id: int) -> Message | None:
    return (Message.objects.select_related("author_user", "ticket__requester__organization", "ticket__organization")
            .filter(pk=message_id).first())


def sent_reply_draft(message: Message) -> rules.Draft:
    """The reply as it went out, with what the ticket told at that moment: the customer's last
    message before it, and the files sent with it."""
    ticket, config = message.ticket, checker_settings()
    language = reply_language(ticket)
    draft = rules.Draft(text=message.body_text[:MAX_TEXT], language=language, attachments=message.attachments.count(),
                        agent_name=message.author_user.name, company_terms=_lines(config.company_terms),
                        jargon=jargon_terms(config, language))
    _about_ticket(draft, config, ticket)
    before = (Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER, kind=MessageKind.PUBLIC,
                                     created_at__lte=message.created_at, pk__lt=message.pk)
              .order_by("-created_at", "-id").values_list("body_text", flat=True).first())
    draft.customer_message = before or ""
    return draft


# --- Coaching reports: findings per agent or team over time, and what was fixed before sending ---

@dataclass
class CoachingRow:
    key: int | None
    label: str
    replies: int = 0
    with_findings: int = 0  # replies sent with at least one finding
    found: dict[str, int] = field(default_factory=dict)  # code -> occurrences still there when sent
    fixed: dict[str, int] = field(default_factory=dict)  # code -> replies where it was fixed before sending

    @property
    def per_hundred(self) -> float:
        """Findings left per 100 replies sent."""
        return 100 * sum(self.found.values()) / self.replies if self.replies else 0.0

    @property
    def fixed_total(self) -> int:
        return sum(self.fixed.values())


@dataclass
class CoachingReport:
    rows: list[CoachingRow]
    total: CoachingRow
    weeks: list[tuple[date, float]]  # Monday of each week (viewer's time zone), findings per 100 replies


GROUPS = {"agent": ("agent_id", "agent__name"), "team": ("team_id", "team__name")}


def coaching_report(*, viewer: User, since: date, until: date, group_by: str = "agent") -> CoachingReport:
    """Replies sent from `since` to `until` (days in the viewer's time zone, both included).
    Supervisors and administrators see everyone; an agent sees their own replies only."""
    if not can_view_coaching(viewer):
        raise Forbidden()
    if group_by not in GROUPS:
        raise Invalid(fields={"group_by": _("Group by agent or team.")})
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
    replies = SentReply.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if not sees_every_agent(viewer):
        replies = replies.filter(agent=viewer)
    key, name = GROUPS[group_by]
    rows: dict[int | None, CoachingRow] = {}
    for item in replies.values(key, name).annotate(
            n=Count("id", distinct=True), bad=Count("id", filter=Q(findings__fixed=False), distinct=True)):
        rows[item[key]] = CoachingRow(item[key], item[name] or _("No team"), item["n"], item["bad"])
    total = CoachingRow(None, _("Everyone"), sum(r.replies for r in rows.values()),
                        sum(r.with_findings for r in rows.values()))
    findings = (SentFinding.objects.filter(reply__in=replies)
                .values(f"reply__{key}", "code", "fixed").annotate(n=Sum("count")))
    for item in findings:
        for row in (rows[item[f"reply__{key}"]], total):
            bucket = row.fixed if item["fixed"] else row.found
            bucket[item["code"]] = bucket.get(item["code"], 0) + item["n"]
    ordered = sorted(rows.values(), key=lambda row: (-row.replies, row.label))
    return CoachingReport(ordered, total, _weekly(replies, zone))


def _weekly(replies: Any, zone: Any) -> list[tuple[date, float]]:
    counts: dict[date, list[int]] = {}
    per_day = (replies.annotate(day=TruncDate("sent_at", tzinfo=zone)).values("day")
               .annotate(n=Count("id", distinct=True),
                         left=Coalesce(Sum("findings__count", filter=Q(findings__fixed=False)), 0)))
    for item in per_day:
        monday = item["day"] - timedelta(days=item["day"].weekday())
        week = counts.setdefault(monday, [0, 0])
        week[0] += item["n"]
        week[1] += item["left"]
    return [(monday, 100 * left / n if n else 0.0) for monday, (n, left) in sorted(counts.items())]
