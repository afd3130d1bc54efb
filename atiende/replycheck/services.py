"""Writes for the reply checker: its settings (administrators only), and the record of each sent
reply's findings for the coaching reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.models import Sector, Segment

from . import rules, selectors
from .models import CheckerSettings, SentFinding, SentReply
from .permissions import can_configure_checker
from .rules import CODES

MAX_GLOSSARY = 20_000
SEEN_SECONDS = 24 * 3600  # a draft's findings are remembered this long after the last check


@transaction.atomic
def checker_settings_update(*, actor: User, confirm_codes: Iterable[str], technical_segments: Iterable[str],
                            technical_sectors: Iterable[Sector], company_terms: str, jargon_es: str,
                            jargon_en: str) -> CheckerSettings:
    if not can_configure_checker(actor):
        raise Forbidden()
    codes, segments = list(dict.fromkeys(confirm_codes)), list(dict.fromkeys(technical_segments))
    if unknown := [code for code in codes if code not in CODES]:
        raise Invalid(fields={"confirm_codes": _("Unknown finding: %(codes)s.") % {"codes": ", ".join(unknown)}})
    if unknown := [segment for segment in segments if segment not in Segment.values]:
        raise Invalid(fields={"technical_segments": _("Unknown segment: %(names)s.") % {"names": ", ".join(unknown)}})
    for field, text in (("company_terms", company_terms), ("jargon_es", jargon_es), ("jargon_en", jargon_en)):
        if len(text or "") > MAX_GLOSSARY:
            raise Invalid(fields={field: _("Use at most %(max)s characters.") % {"max": MAX_GLOSSARY}})
    for field, text in (("jargon_es", jargon_es), ("jargon_en", jargon_en)):
        _check_jargon(field, text or "")
    config = CheckerSettings.objects.select_for_update().get_or_create(pk=1)[0]
    config.confirm_codes, config.technical_segments = codes, segments
    config.company_terms, config.jargon_es, config.jargon_en = company_terms or "", jargon_es or "", jargon_en or ""
    config.updated_at = clock.now()
    config.save()
    config.technical_sectors.set(list(technical_sectors))
    return config


def _check_jargon(field: str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        term, sep, plain = line.partition(":")
        if line.strip() and (not sep or not term.strip() or not plain.strip()):
            raise Invalid(fields={field: _("Line %(number)s: write “term: plain words”.") % {"number": number}})



def _seen_key(user_id: int, ticket_id: int) -> str:
    return f"replycheck:seen:{user_id}:{ticket_id}"


def draft_codes_seen(*, user: User, ticket_id: int, findings: Iterable[rules.Finding]) -> None:
    """Remember the findings the composer showed `user` while they wrote on a ticket: those gone
    when the reply is sent were fixed before sending. A cache entry, not a row: drafts are many
    and short-lived, and losing one (a restart) only undercounts what was fixed."""
    codes = {finding.code for finding in findings}
    if codes:
        key = _seen_key(user.pk, ticket_id)
        cache.set(key, sorted(codes | set(cache.get(key) or ())), SEEN_SECONDS)


def draft_codes_take(*, user_id: int | None, ticket_id: int) -> list[str]:
    """The codes shown while the reply now sent was written, forgotten for the next draft."""
    if user_id is None:
        return []
    key = _seen_key(user_id, ticket_id)
    seen = cache.get(key) or []
    cache.delete(key)
    return [code for code in seen if code in CODES]


def sent_reply_record(*, message_id: int, seen: Iterable[str] = ()) -> SentReply | None:
    """Check a public reply as it was sent and keep its findings (once per message): what was
    still there, and what the composer had shown that was no longer there (fixed)."""
    message = selectors.sent_message(message_id)
    if message is None or not selectors.counts_for_coaching(message):
        return None
    found = Counter(finding.code for finding in rules.check(selectors.sent_reply_draft(message)))
    fixed = sorted((set(seen) & set(CODES)) - set(found))
    with transaction.atomic():
        reply, created = SentReply.objects.get_or_create(message=message, defaults={
            "agent": message.author_user, "team_id": message.ticket.team_id,
            "language": selectors.reply_language(message.ticket), "sent_at": message.created_at})
        if created:
            SentFinding.objects.bulk_create(
                [SentFinding(reply=reply, code=code, fixed=False, count=count) for code, count in found.items()]
                + [SentFinding(reply=reply, code=code, fixed=True) for code in fixed])
    return reply
