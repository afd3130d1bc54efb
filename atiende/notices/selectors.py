"""Reads of the notices app: the audience of a notice, its progress, a preview for one sample
recipient, and a customer's notices (their timeline)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise

from atiende.accounts.models import User
from atiende.assets.models import Asset, AssetStatus
from atiende.core.db import in_chunks, is_id
from atiende.core.exceptions import Forbidden, NotFound
from atiende.customers.models import ContactChannel, Customer, Identity, IdentityKind
from atiende.tickets import channels

from . import tokens, wording
from .models import Audience, Notice, NoticeOptOut, NoticeRecipient, RecipientState
from .permissions import can_manage_notices

GONE = (AssetStatus.RETIRED, AssetStatus.REPLACED)  # no longer owned: their owners are not told


def notice_list(*, user: User) -> QuerySet[Notice]:
    if not can_manage_notices(user):
        raise Forbidden()
    return Notice.objects.select_related("created_by", "sent_by").order_by("-created_at", "-id")


def notice_rows(*, user: User) -> QuerySet[Notice]:
    """The list page's notices with their sent, failed and skipped counts (one query)."""
    counted = {f"{state}_count": Count("recipients", filter=Q(recipients__state=state))
               for state in (RecipientState.SENT, RecipientState.FAILED, RecipientState.SKIPPED)}
    return notice_list(user=user).annotate(**counted)


def notice_get(*, user: User, notice_id: Any) -> Notice:
    if not can_manage_notices(user) or not is_id(notice_id):
        raise NotFound()
    found = notice_list(user=user).filter(pk=notice_id).first()
    if found is None:
        raise NotFound()
    return found


def audience_customers(notice: Notice) -> QuerySet[Customer]:
    """Who the notice goes to (a saved notice or one being written): live profiles only (a merged
    profile's messages go to its survivor, who is in the audience on their own)."""
    match notice.audience:
        case Audience.SEGMENT:
            where = Q(organization__segment=notice.segment) if notice.segment else Q(pk__in=[])
        case Audience.PLAN:
            where = Q(organization__support_plan_id=notice.plan_id) if notice.plan_id else Q(pk__in=[])
        case Audience.ORGANIZATION:
            where = Q(organization_id=notice.organization_id) if notice.organization_id else Q(pk__in=[])
        case Audience.PRODUCT | Audience.ASSET:
            assets = Asset.objects.exclude(status__in=GONE)
            assets = (assets.filter(product_id=notice.product_id) if notice.audience == Audience.PRODUCT
                      else assets.filter(pk=notice.asset_id))
            where = (Q(pk__in=assets.exclude(customer=None).values("customer_id"))
                     | Q(organization_id__in=assets.exclude(organization=None).values("organization_id")))
        case _:
            where = Q(pk__in=[])
    return Customer.objects.filter(where, merged_into=None)


def email_addresses(customer_ids: list[int]) -> dict[int, str]:
    """Each customer's email for notices: the primary deliverable one, else the oldest. By lists
    of ids, not a subquery: right after a bulk import PostgreSQL's statistics are stale, and it
    then planned the subquery as a nested loop over every email identity (20 s for 10,000)."""
    found: dict[int, str] = {}
    for chunk in in_chunks(customer_ids):
        rows = (Identity.objects.filter(kind=IdentityKind.EMAIL, undeliverable=False, customer_id__in=chunk)
                .order_by("customer_id", "-is_primary", "id").values_list("customer_id", "value"))
        for customer_id, value in rows:
            found.setdefault(customer_id, value)
    return found


def opted_out(customer_ids: list[int]) -> set[int]:
    return {pk for chunk in in_chunks(customer_ids)
            for pk in NoticeOptOut.objects.filter(customer_id__in=chunk).values_list("customer_id", flat=True)}


def audience_ids(notice: Notice) -> list[int]:
    return list(audience_customers(notice).order_by("pk").values_list("pk", flat=True))


def routes(customer_ids: list[int], language: str) -> dict[int, tuple[str, str]]:
    """How each customer gets a notice, as (channel, address): the channel they prefer when it can
    reach them now (WhatsApp needs a template for notices, Telegram a conversation with the bot),
    else email. Customers with neither are left out."""
    preferred: dict[str, list[int]] = defaultdict(list)
    for chunk in in_chunks(customer_ids):
        rows = (Customer.objects.filter(pk__in=chunk).exclude(preferred_channel__in=("", ContactChannel.EMAIL))
                .values_list("pk", "preferred_channel"))
        for pk, channel in rows:
            preferred[channel].append(pk)
    found = {pk: (channel, address) for channel, pks in preferred.items()
             for pk, address in channels.outreach_addresses(channel, pks, language).items()}
    for pk, address in email_addresses(customer_ids).items():
        found.setdefault(pk, (ContactChannel.EMAIL.value, address))
    return found


@dataclass(frozen=True)
class AudienceCount:
    customers: int
    reachable: int  # reached on some channel and, for a non-essential notice, not unsubscribed
    unsubscribed: int
    no_address: int
    by_channel: tuple[tuple[str | Promise, int], ...]  # (the channel's name, how many it takes), the reachable


def audience_count(notice: Notice) -> AudienceCount:
    ids = audience_ids(notice)
    reached = routes(ids, notice.language)
    out = set() if notice.essential else opted_out(ids)
    going = Counter(channel for pk, (channel, _address) in reached.items() if pk not in out)
    unsubscribed = len([pk for pk in out if pk in reached])
    return AudienceCount(customers=len(ids), reachable=sum(going.values()), unsubscribed=unsubscribed,
                         no_address=len(ids) - len(reached),
                         by_channel=tuple((label, going[value]) for value, label in ContactChannel.choices
                                          if going[value]))


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    sent: int
    failed: int
    skipped: int


def notice_progress(notice: Notice) -> Progress:
    counts = dict(NoticeRecipient.objects.filter(notice=notice).values_list("state").annotate(n=Count("pk")))
    return Progress(total=sum(counts.values()), pending=counts.get(RecipientState.PENDING, 0),
                    sent=counts.get(RecipientState.SENT, 0), failed=counts.get(RecipientState.FAILED, 0),
                    skipped=counts.get(RecipientState.SKIPPED, 0))


def recipient_of(customer: Customer) -> wording.Recipient:
    return wording.Recipient(greeting_name=customer.greeting_name, name=customer.name,
                             organization=customer.organization.name if customer.organization_id else "")


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    sample: Customer | None  # the audience's first customer; None: an empty audience


def notice_preview(*, user: User, notice: Notice) -> Preview:
    """The notice as its first recipient (by name) reads it: their greeting name, their
    organization. An empty audience previews with the variables left as written."""
    if not can_manage_notices(user):
        raise Forbidden()
    sample = audience_customers(notice).select_related("organization").order_by("name", "pk").first()
    if sample is None:
        return Preview(subject=notice.subject, body=notice.body, sample=None)
    recipient = recipient_of(sample)
    return Preview(subject=wording.render(notice.subject, recipient), body=wording.render(notice.body, recipient),
                   sample=sample)


@dataclass(frozen=True)
class Reading:
    subject: str
    body: str
    language: str
    unsubscribe_token: str | None  # None for an essential notice: it cannot be refused


def notice_reading(token: str) -> Reading | None:
    """What the holder of a notice's reading link sees: the notice as its recipient got it. None
    for a token we did not make, or a recipient no longer kept."""
    recipient_id = tokens.read_reading_token(token)
    row = (NoticeRecipient.objects.select_related("notice", "customer__organization").filter(pk=recipient_id).first()
           if recipient_id is not None else None)
    if row is None:
        return None
    recipient = recipient_of(row.customer)
    return Reading(subject=wording.render(row.notice.subject, recipient),
                   body=wording.render(row.notice.body, recipient), language=row.notice.language,
                   unsubscribe_token=None if row.notice.essential else tokens.make_token(row.customer_id))


def customer_notices(*, user: User, customer: Customer, limit: int = 50) -> list[NoticeRecipient]:
    """The notices sent to a customer, newest first, for their page (the caller has checked that
    `user` sees the customer; agents see what the customer was sent)."""
    return list(NoticeRecipient.objects.filter(customer=customer).select_related("notice")
                .order_by("-notice__queued_at", "-pk")[:limit])


def customer_opted_out(customer: Customer) -> bool:
    return NoticeOptOut.objects.filter(customer=customer).exists()
