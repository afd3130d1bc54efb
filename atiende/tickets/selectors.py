"""Reads for tickets, always through the permission policy."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_agent
from atiende.accounts.selectors import actor_name
from atiende.core.db import in_chunks, is_id
from atiende.core.exceptions import Forbidden, NotFound
from atiende.core.html import sanitize_html
from atiende.core.params import is_id_text
from atiende.customers.models import Customer

from . import channels, service_levels, text_search
from .facts import fact_choices
from .models import (
    Attachment,
    ChannelThread,
    CopiedAgent,
    CopyState,
    CustomerMerge,
    CustomField,
    Delivery,
    Message,
    MessageKind,
    MessageRevision,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
    TicketType,
)
from .permissions import can_view_message, sees_internal, sees_private_tags, ticket_scope
from .status import TicketStatus, behaviour


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    priority: list[str] | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    requester_id: int | None = None
    organization_id: int | None = None
    tag: str | None = None
    channel: str | None = None
    updated_since: datetime | None = None
    sla_running: bool = False  # only tickets with a running SLA deadline (to sort by it)
    text: str | None = None  # full-text search (text_search.py); nothing searchable -> no tickets


def ticket_list(*, user: User, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    """Tickets `user` may see, filtered; newest update first."""
    f = filters or TicketFilters()
    qs = Ticket.objects.filter(ticket_scope(user))
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.team_id is not None:
        qs = qs.filter(team_id=f.team_id)
    if f.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee_id is not None:
        qs = qs.filter(assignee_id=f.assignee_id)
    if f.requester_id is not None:
        qs = qs.filter(requester_id=f.requester_id)
    if f.organization_id is not None:
        qs = qs.filter(organization_id=f.organization_id)
    if f.tag:
        # A customer's filter looks among public tags only: an agents' tag then behaves exactly
        # like a tag no ticket has, so the filter cannot tell a customer which tags exist.
        tagged = Ticket.tags.through.objects.filter(tag__name=f.tag.strip().lower())
        if not sees_private_tags(user):
            tagged = tagged.filter(tag__is_public=True)
        qs = qs.filter(pk__in=tagged.values("ticket_id"))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.updated_since is not None:
        qs = qs.filter(updated_at__gte=f.updated_since)
    if f.sla_running:
        qs = qs.filter(sla_due_at__isnull=False)
    if f.text is not None:
        qs = text_search.engine().filter(qs, text=f.text, private=sees_internal(user))
    return qs.select_related("requester", "organization", "team", "assignee", "merged_into", "sla_policy").only(
        *TICKET_COLUMNS
    )


def tag_names_by_ticket(tickets: list[Ticket], *, public_only: bool = False) -> dict[int, list[str]]:
    """Tag names per ticket in one query (a model prefetch cost twice as much on a 50-row page).
    Callers showing tags to a viewer pass `public_only=not sees_private_tags(viewer)`; the full
    set (the default) is for agents and for services that rewrite a ticket's tags."""
    names: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    rows = Ticket.tags.through.objects.filter(ticket_id__in=list(names))
    if public_only:
        rows = rows.filter(tag__is_public=True)
    rows = rows.order_by("tag__name").values_list("ticket_id", "tag__name")
    for ticket_id, name in rows:
        names[ticket_id].append(name)
    return names


# What lists and pages show; related rows are fetched by id and name only (no password hashes).
TICKET_COLUMNS = (
    "id", "number", "subject", "status", "priority", "type", "channel", "custom_fields",
    "created_at", "updated_at", "solved_at", "closed_at",
    "requester__id", "requester__name", "organization__id", "organization__name",
    "team__id", "team__name", "assignee__id", "assignee__name", "merged_into__id", "merged_into__number",
    "sla_due_at", "sla_warn_at", "sla_paused", "sla_policy__id", "sla_policy__name",
)
# The workspace's lists and ticket page show neither the merged-into ticket's number nor the SLA
# policy's name (the API does): two joins fewer, and PostgreSQL plans the query in ~1.5 ms instead
# of ~7 ms. A merged ticket's page reads its target by id when it shows the banner.
PAGE_RELATED = ("requester", "organization", "team", "assignee")
PAGE_COLUMNS = (
    *(column for column in TICKET_COLUMNS if not column.startswith(("merged_into__", "sla_policy__"))),
    "merged_into", "sla_policy",
)


def for_pages(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`ticket_list` rows with only what the web pages show (see PAGE_COLUMNS)."""
    return tickets.select_related(None).select_related(*PAGE_RELATED).only(*PAGE_COLUMNS)


def tag_list(*, user: User) -> QuerySet[Tag]:
    """Tags `user` may see: all of them for agents, the public ones for customers."""
    tags = Tag.objects.order_by("name", "id")
    return tags if sees_private_tags(user) else tags.filter(is_public=True)


def tag_get(*, user: User, tag_id: Any) -> Tag:
    if not is_id(tag_id):
        raise NotFound()
    tag = tag_list(user=user).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound()
    return tag


def ticket_get(*, user: User, ticket_id: Any) -> Ticket:
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    ticket = ticket_list(user=user).filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket


def message_list(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """The conversation as `user` may see it (customers never get internal notes)."""
    qs = Message.objects.filter(ticket=ticket).prefetch_related("attachments")
    if sees_internal(user):
        qs = qs.prefetch_related("deliveries", *channels.message_prefetches())
    else:
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return (qs.select_related("author_user", "author_customer")
            .annotate(edited=Exists(MessageRevision.objects.filter(message_id=OuterRef("pk"))))
            .order_by("created_at", "id"))


def event_list(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail of a ticket the user can see: agents only (Forbidden for customers)."""
    if not sees_internal(user):
        raise Forbidden()
    return TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id")


# History events that name another ticket by its reference ("#1234").
EVENTS_NAMING_A_TICKET = frozenset({"merged_into", "merged_from", "parent_of", "child_of", "related_to"})


def events_without_hidden_tickets(*, user: User, events: Iterable[TicketEvent]) -> list[TicketEvent]:
    """The events, with any ticket the user may not see named only as "another ticket".

    A link or merge between a ticket the agent sees and one of another team must not reveal the
    other's number (one query for all the numbers named)."""
    events = list(events)
    named = {e.new_value for e in events if e.field in EVENTS_NAMING_A_TICKET and e.new_value.startswith("#")}
    numbers = [int(ref[1:]) for ref in named if is_id_text(ref[1:])]
    seen = {f"#{n}" for n in ticket_list(user=user).filter(number__in=numbers).values_list("number", flat=True)} if numbers else set()
    for event in events:
        if event.field in EVENTS_NAMING_A_TICKET and event.new_value not in seen:
            event.new_value = str(pgettext("a ticket the viewer may not see", "another ticket"))
    return events


def attachment_get(*, user: User, public_id: Any) -> Attachment:
    """An attachment the user may download; anything else is NotFound (existence not revealed)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    attachment = Attachment.objects.select_related("message__ticket").filter(public_id=key).first()
    if attachment is None or not can_view_message(user, attachment.message):
        raise NotFound()
    return attachment


def agent_only_field_keys() -> frozenset[str]:
    from .models import CustomField

    return frozenset(CustomField.objects.filter(agent_only=True).values_list("key", flat=True))


# --- the agent's ticket page (workspace) -------------------------------------------------------

def ticket_get_for_agent(*, user: User, number: Any) -> Ticket:
    """A ticket by its number for the workspace. Customers follow their requests in the portal,
    so for them, as for a ticket outside the agent's scope or an impossible number, NotFound."""
    if not is_agent(user) or not is_id(number):
        raise NotFound()
    ticket = for_pages(ticket_list(user=user)).filter(number=number).first()
    if ticket is None:
        raise NotFound()
    return ticket


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a ticket's conversation: a message, or a history event described in words."""

    created_at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    text: str = ""  # the event, in a sentence
    html: str = ""  # the message's HTML, sanitized here again (marked safe only after that)
    attachments: tuple[Attachment, ...] = ()
    deliveries: tuple[Delivery, ...] = ()  # how an agent's reply went out, by channel (agents only)
    has_original: bool = False  # a channel stored the message as received (agents only)

    @property
    def is_internal(self) -> bool:
        return self.message is not None and self.message.kind == MessageKind.INTERNAL


def _timeline_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    qs = Message.objects.filter(ticket=ticket)
    if not sees_internal(user):
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return (
        qs.select_related("author_user", "author_customer")
        .only(
            "id", "ticket_id", "kind", "author_kind", "channel", "body_text", "body_html", "unverified_sender",
            "created_at", "author_user__id", "author_user__name", "author_customer__id", "author_customer__name",
        )
        .annotate(has_original=channels.original_exists(),
                  edited=Exists(MessageRevision.objects.filter(message_id=OuterRef("pk"))))
        .order_by("created_at", "id")
    )


def _message_items(user: User, messages: Iterable[Message]) -> list[TimelineItem]:
    """Messages with their files and deliveries, each read in one query: a prefetch costs as much
    again in per-message bookkeeping as the query itself. Which have an original the channels
    answer in the messages' own query (`channels.original_exists`); agents only see it."""
    messages = list(messages)
    ids = [m.pk for m in messages]
    files: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    deliveries: dict[int, list[Delivery]] = {pk: [] for pk in ids}
    agent = sees_internal(user)
    if ids:
        for attachment in Attachment.objects.filter(message_id__in=ids).only(
            "id", "public_id", "message_id", "filename", "size"
        ).order_by("id"):
            files[attachment.message_id].append(attachment)
        if agent:
            for delivery in Delivery.objects.filter(message_id__in=ids).only(
                "id", "message_id", "channel", "status", "failure_reason"
            ).order_by("id"):
                deliveries[delivery.message_id].append(delivery)
    # The services store sanitized HTML; cleaning again at display costs microseconds and keeps
    # rows written any other way (an import, the admin, an old release) inert as well.
    return [
        TimelineItem(
            m.created_at, message=m, html=mark_safe(sanitize_html(m.body_html)) if m.body_html else "",  # noqa: S308
            attachments=tuple(files[m.pk]), deliveries=tuple(deliveries[m.pk]), has_original=agent and m.has_original,
        )
        for m in messages
    ]


def ticket_timeline(*, user: User, ticket: Ticket, after_message_id: int | None = None) -> list[TimelineItem]:
    """Messages and history events of a ticket the agent sees, oldest first.

    With `after_message_id`, only what came after that message of this ticket (NotFound for any
    other id): messages after it, and events from its instant on (an event recorded with the
    message, such as the status it changed, belongs after it). Callers skip ids they already show."""
    events = _timeline_events(user, ticket)
    messages = _timeline_messages(user, ticket)
    if after_message_id is not None:
        anchor = messages.filter(pk=after_message_id).values_list("created_at", flat=True).first() if is_id(after_message_id) else None
        if anchor is None:
            raise NotFound()
        messages = messages.filter(Q(created_at__gt=anchor) | Q(created_at=anchor, pk__gt=after_message_id))
        events = events.filter(created_at__gte=anchor)
    return _timeline_items(user, list(messages), events)


# The ticket page shows this many of the newest messages at first (and the history since the
# oldest of them): a thread of hundreds would otherwise cost its full length on every visit.
TIMELINE_MESSAGES = 100


def ticket_timeline_recent(*, user: User, ticket: Ticket, limit: int | None = None) -> tuple[list[TimelineItem], bool]:
    """The timeline from the `limit` newest messages on (TIMELINE_MESSAGES by default), and
    whether earlier messages were left out. Reads no more rows than the whole timeline would."""
    limit = limit or TIMELINE_MESSAGES
    newest = list(_timeline_messages(user, ticket).reverse()[: limit + 1])
    earlier = len(newest) > limit
    messages = newest[:limit][::-1]
    events = _timeline_events(user, ticket)
    if earlier:
        events = events.filter(created_at__gte=messages[0].created_at)
    return _timeline_items(user, messages, events), earlier


def _timeline_events(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    return event_list(user=user, ticket=ticket).only(
        "id", "ticket_id", "field", "old_value", "new_value", "note", "created_at", "actor__id", "actor__name",
        "actor__kind", "actor__email",
    )


def _timeline_items(user: User, messages: list[Message], events: Iterable[TicketEvent]) -> list[TimelineItem]:
    events = events_without_hidden_tickets(user=user, events=events)
    items = _message_items(user, messages) + [TimelineItem(e.created_at, event=e, text=event_text(e)) for e in events]
    # At one instant a message comes before the events it caused.
    return sorted(items, key=lambda i: (i.created_at, i.event is not None, (i.message or i.event).pk))  # type: ignore[union-attr]


def _plain(value: str) -> str:
    """A stored value without its "id:" prefix (events keep "5:Ulises Uno" for related rows)."""
    return _ID_PREFIX.sub("", value or "")


_ID_PREFIX = re.compile(r"^\d+:")


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def event_text(event: TicketEvent) -> str:
    """A history event as a sentence for agents."""
    actor = actor_name(event.actor) if event.actor_id else pgettext("history actor", "The system")
    old, new = _plain(event.old_value), _plain(event.new_value)
    labelled = {"status": TicketStatus, "priority": Priority, "type": TicketType}
    if event.field in labelled:
        old, new = _label(labelled[event.field], old), _label(labelled[event.field], new)
    if event.field in ("sla_breach", "sla_warning"):
        new = service_levels.target_label(new)
    template = EVENT_SENTENCES.get(event.field)
    fact = fact_choices().get(event.field)
    if fact is not None:  # a feature's fact (tickets/facts.py): its values have labels
        labels = {value: str(label) for value, label in fact}
        old, new, template = labels.get(old, old), labels.get(new, new), EVENT_SENTENCES["fact"]
    if event.field in ("team", "assignee") and not new:
        template = EVENT_SENTENCES[f"{event.field}_removed"]
    if event.field == "tags" and not new:
        template = EVENT_SENTENCES["tags_removed"]
    if template is None:
        template = EVENT_SENTENCES["other"]
    text = str(template) % {"actor": actor, "old": old or "—", "new": new or "—", "field": event.field}
    reason = EVENT_REASONS.get(event.note)
    return f"{text} ({reason})" if reason else text


EVENT_SENTENCES = {
    "created": _("%(actor)s created the ticket."),
    "status": _("%(actor)s changed the status from %(old)s to %(new)s."),
    "priority": _("%(actor)s changed the priority from %(old)s to %(new)s."),
    "type": _("%(actor)s changed the type from %(old)s to %(new)s."),
    "subject": _("%(actor)s changed the subject to “%(new)s”."),
    "team": _("%(actor)s moved the ticket to the team %(new)s."),
    "team_removed": _("%(actor)s removed the team %(old)s."),
    "assignee": _("%(actor)s assigned the ticket to %(new)s."),
    "assignee_removed": _("%(actor)s unassigned the ticket (was %(old)s)."),
    "tags": _("%(actor)s set the tags: %(new)s."),
    "tags_removed": _("%(actor)s removed every tag."),
    "custom_fields": _("%(actor)s changed the custom fields."),
    "merged_into": _("%(actor)s merged this ticket into %(new)s."),
    "merged_from": _("%(actor)s merged %(new)s into this ticket."),
    "parent_of": _("%(actor)s made this ticket the parent of %(new)s."),
    "child_of": _("%(actor)s made this ticket a child of %(new)s."),
    "related_to": _("%(actor)s linked this ticket with %(new)s."),
    "collaborator_added": _("%(actor)s referred the ticket to %(new)s."),
    "collaborators": _("%(actor)s added collaborators: %(new)s."),
    "copied": _("%(new)s copied on an email: an agent of the ticket may add them as collaborators."),
    "copied_confirmed": _("%(actor)s added %(new)s, copied on an email, as a collaborator."),
    "copied_dismissed": _("%(actor)s dismissed %(new)s, copied on an email: not added."),
    "sla_policy": _("%(actor)s: the SLA policy changed from %(old)s to %(new)s."),
    "sla_warning": _("The %(new)s target is close to its deadline."),
    "sla_breach": _("The %(new)s target was missed."),
    "message_edited": _("The customer edited a message on their channel. It said: “%(old)s”"),
    # Rules (an automation feature records these through record_changes): old = rule name.
    "rule": _("%(actor)s: rule «%(old)s» did %(new)s."),
    "rule_stopped": _("%(actor)s: rule «%(old)s» was stopped (%(new)s)."),
    "fact": _("%(actor)s: %(new)s (was: %(old)s)."),
    "other": _("%(actor)s changed %(field)s from %(old)s to %(new)s."),
}
EVENT_REASONS = {
    "sla_breach": _("after a missed SLA target"),
    "email_cc": _("copied on an email"),
}


@dataclass(frozen=True)
class RequesterCard:
    customer: Customer | None  # None for viewers who may not see customer records (collaborators)
    recent: list[Ticket]  # their other tickets this viewer may see, latest update first


def requester_card(*, user: User, ticket: Ticket, limit: int = 5) -> RequesterCard:
    """The requester, their organization's plan and account manager, and a few of their other
    tickets: only the columns the card shows (the account manager is a user row, password hash
    included, and the recent tickets need no joins)."""
    from atiende.customers.selectors import customer_list

    customer = (
        customer_list(user=user)
        .select_related("organization__support_plan", "organization__account_manager")
        .only(
            "id", "name", "organization__id", "organization__name", "organization__segment",
            "organization__support_plan__id", "organization__support_plan__name",
            "organization__account_manager__id", "organization__account_manager__name",
        )
        .filter(pk=ticket.requester_id)
        .first()
    )
    recent = list(
        ticket_list(user=user, filters=TicketFilters(requester_id=ticket.requester_id))
        .select_related(None)
        .only("id", "number", "subject", "status", "updated_at")
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[:limit]
    )
    return RequesterCard(customer=customer, recent=recent)


@dataclass(frozen=True)
class TicketRelation:
    kind: str  # "parent" (the other ticket is this one's parent), "child" or "related"
    ticket: Ticket


def ticket_relations(*, user: User, ticket: Ticket) -> list[TicketRelation]:
    """Links of a ticket to tickets the viewer may also see (others are left out, unnamed)."""
    from .models import LinkKind, TicketLink

    links = list(
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .select_related("source", "target")
        .only(*(f"{end}__{f}" for end in ("source", "target") for f in ("id", "number", "subject", "status")), "kind")
        .order_by("created_at", "id")
    )
    if not links:
        return []
    others = [link.target if link.source_id == ticket.pk else link.source for link in links]
    visible = set(ticket_list(user=user).filter(pk__in=[t.pk for t in others]).values_list("pk", flat=True))
    relations = []
    for link, other in zip(links, others, strict=True):
        if other.pk not in visible:
            continue
        if link.kind == LinkKind.RELATED:
            kind = "related"
        else:
            kind = "child" if link.source_id == ticket.pk else "parent"
        relations.append(TicketRelation(kind=kind, ticket=other))
    return relations


@dataclass(frozen=True)
class PanelChoices:
    teams: list[Team]
    agents: list[User]  # active agents (staff and collaborators), by name
    custom_fields: list[CustomField]


def panel_choices(*, user: User) -> PanelChoices:
    """What the properties panel and the actions offer; empty lists for non-staff viewers."""
    from atiende.accounts.selectors import agent_list, team_list

    teams = list(team_list(user=user).prefetch_related(None).only("id", "name"))
    agents = list(
        agent_list(user=user).prefetch_related(None).filter(is_active=True).only("id", "name", "kind", "role", "is_active")
    )
    fields = list(CustomField.objects.filter(active=True).order_by("label", "id")) if agents else []
    return PanelChoices(teams=teams, agents=agents, custom_fields=fields)


@dataclass(frozen=True)
class TicketWorkspace:
    """Everything the ticket page shows, read in a fixed number of queries."""

    ticket: Ticket
    tags: list[str]
    timeline: list[TimelineItem]
    earlier_hidden: bool  # older messages left out of `timeline` (TIMELINE_MESSAGES)
    last_message_id: int  # the newest message shown (0: none), for the composer's stale check
    requester: RequesterCard
    relations: list[TicketRelation]
    collaborators: list[User]
    copied: list[CopiedAgent]  # agents copied on an email, waiting for a staff agent to confirm them
    choices: PanelChoices
    badge: service_levels.BadgeView
    can_edit: bool  # the policy lets this viewer change the ticket...
    can_change: bool  # ...and the ticket is not closed or merged
    can_reply: bool
    can_note: bool


def ticket_workspace(*, user: User, ticket: Ticket, now: datetime, whole_timeline: bool = False) -> TicketWorkspace:
    from .permissions import can_add_internal_note, can_edit_ticket, can_reply_publicly

    if whole_timeline:
        timeline, earlier_hidden = ticket_timeline(user=user, ticket=ticket), False
    else:
        timeline, earlier_hidden = ticket_timeline_recent(user=user, ticket=ticket)
    last = max((i.message for i in timeline if i.message is not None), key=lambda m: (m.created_at, m.pk), default=None)
    can_edit = can_edit_ticket(user, ticket)
    return TicketWorkspace(
        ticket=ticket,
        tags=tag_names_by_ticket([ticket])[ticket.pk],
        timeline=timeline,
        earlier_hidden=earlier_hidden,
        last_message_id=last.pk if last is not None else 0,
        requester=requester_card(user=user, ticket=ticket),
        relations=ticket_relations(user=user, ticket=ticket),
        collaborators=list(ticket.collaborators.only("id", "name").order_by("name", "id")),
        copied=list(_pending_copies(ticket)),
        choices=panel_choices(user=user) if can_edit else PanelChoices([], [], []),
        badge=service_levels.badge(ticket, now),
        can_edit=can_edit,
        can_change=can_edit and not behaviour(ticket.status).is_terminal,
        can_reply=can_reply_publicly(user, ticket),
        can_note=can_add_internal_note(user, ticket),
    )


def _pending_copies(ticket: Ticket) -> QuerySet[CopiedAgent]:
    return (
        CopiedAgent.objects.filter(ticket=ticket, state=CopyState.PENDING).select_related("agent")
        .only("id", "ticket_id", "copied_by", "created_at", "agent__id", "agent__name").order_by("created_at", "id")
    )


def copied_agent_list(*, user: User, ticket: Ticket) -> QuerySet[CopiedAgent]:
    """Agents copied on a ticket's emails and what was decided, for agents who see the ticket
    (call after checking that): customers get NotFound, as for anything internal."""
    if not sees_internal(user):
        raise NotFound()
    return CopiedAgent.objects.filter(ticket=ticket).select_related("agent", "decided_by").order_by("created_at", "id")


def message_original_get(*, user: User, ticket: Ticket, message_id: Any):
    """The stored original a message of `ticket` came from (the .eml of an email), as its file, for
    agents only: the original may carry addresses and quoted text customers should not get. The
    ticket page and the API's "original" endpoint both read it here, after checking the viewer may
    see `ticket`; the channel that stored it answers (`channels.message_original`)."""
    if not sees_internal(user) or not is_id(message_id):
        raise NotFound()
    message = Message.objects.filter(pk=message_id, ticket=ticket).first()
    original = channels.message_original(message) if message else None
    if not original:
        raise NotFound()
    return original


# --- customer merges ----------------------------------------------------------------------------

def customer_merge_get(*, user: User, merge_id: Any) -> CustomerMerge:
    """A record of two customer profiles merged, for staff agents (administrators undo them)."""
    from atiende.accounts.permissions import is_staff_agent

    if not is_staff_agent(user) or not is_id(merge_id):
        raise NotFound()
    merge = CustomerMerge.objects.select_related("source", "target", "actor", "undone_by").filter(pk=merge_id).first()
    if merge is None:
        raise NotFound()
    return merge


@dataclass(frozen=True)
class CustomerMergePreview:
    """What merging `source` into `target` would move, for the confirmation an agent sees."""

    source: Customer
    target: Customer
    tickets: int
    messages: int
    identities: list[str]  # "WhatsApp: +5215512345678", …
    login_moves: bool  # the source's login becomes the survivor's
    login_deactivated: bool  # both can sign in: the source's login is switched off


def customer_merge_preview(*, source: Customer, target: Customer) -> CustomerMergePreview:
    """Call with two customers the viewer may see (customers.selectors.customer_get)."""
    return CustomerMergePreview(
        source=source,
        target=target,
        tickets=Ticket.objects.filter(requester=source).count(),
        messages=Message.objects.filter(author_customer=source).count(),
        identities=[str(identity) for identity in source.identities.all()],
        login_moves=source.user_id is not None and target.user_id is None,
        login_deactivated=source.user_id is not None and target.user_id is not None,
    )


def ticket_reply_window(*, user: User, ticket: Ticket) -> channels.ReplyWindow | None:
    """Whether agents may write freely on the ticket's channel now, and the templates offered
    otherwise (agents only; None: no limit). The caller has checked the ticket is visible."""
    if not sees_internal(user):
        raise Forbidden()
    return channels.reply_window(ticket)


def latest_thread_keys(*, channel: str, customer_ids: Iterable[int], accounts: set[str]) -> dict[int, str]:
    """Per customer, the key of their most recently active conversation on `channel` held by one
    of `accounts` (a key reads `<account>:<address>`: a WhatsApp number or a Telegram bot, then
    the customer's id there). Where a channel may write first (notices) it writes there."""
    found: dict[int, str] = {}
    for chunk in in_chunks(list(customer_ids)):
        threads = (ChannelThread.objects.filter(channel=channel, ticket__requester_id__in=chunk)
                   .order_by("ticket__requester_id", "-updated_at", "-pk")
                   .values_list("ticket__requester_id", "thread_key"))
        for customer_id, key in threads:
            account, _sep, address = key.partition(":")
            if account in accounts and address:
                found.setdefault(customer_id, key)
    return found
