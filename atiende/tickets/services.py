"""Writes for tickets: create, update, reply, merge, link, refer. Each checks the policy first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.html import sanitize_html
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Customer
from atiende.customers.permissions import customer_of
from atiende.customers.services import customer_get_or_create_by_email

from .attachments import CheckedUpload, check_upload
from .custom_fields import CustomFieldErrors, FieldSpec, clean_custom_fields
from .models import (
    Attachment,
    AuthorKind,
    Channel,
    CustomField,
    LinkKind,
    Message,
    MessageKind,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketType,
)
from .numbering import next_ticket_number
from .permissions import (
    CUSTOMER_UPDATE_FIELDS,
    can_add_internal_note,
    can_edit_ticket,
    can_reply_publicly,
    can_view_ticket,
)
from .status import UNRESOLVED_STATUSES, TicketStatus, behaviour

MAX_BODY_CHARS = 200_000
MAX_TAGS = 30
Change = tuple[str, Any, Any]


# --- helpers ------------------------------------------------------------------------------------

def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "pk"):
        return f"{value.pk}:{value}"
    return str(value)


def _record(ticket: Ticket, actor: User | None, changes: Iterable[Change]) -> None:
    now = clock.now()
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket=ticket, actor=actor, field=field, old_value=_display(old), new_value=_display(new), created_at=now)
            for field, old, new in changes
        ]
    )


def _field_specs(*, include_agent_only: bool) -> list[FieldSpec]:
    fields = CustomField.objects.filter(active=True)
    if not include_agent_only:
        fields = fields.filter(agent_only=False)
    return [FieldSpec(key=f.key, kind=f.kind, required=f.required, choices=tuple(f.choices or ())) for f in fields]


def _clean_custom_fields(actor: User, current: dict, changes: dict, *, enforce_required: bool) -> dict:
    if not isinstance(changes, dict):
        raise Invalid(fields={"custom_fields": _("Send an object of field keys and values.")})
    specs = _field_specs(include_agent_only=is_staff_agent(actor))
    try:
        return clean_custom_fields(specs, current, changes, enforce_required=enforce_required and not is_staff_agent(actor))
    except CustomFieldErrors as exc:
        raise Invalid(fields={"custom_fields": exc.errors}) from exc


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = []
    for raw in names:
        if not isinstance(raw, str):
            raise Invalid(fields={"tags": _("Tags are text.")})
        name = " ".join(raw.split()).lower()
        if not name or len(name) > 50 or "," in name:
            raise Invalid(fields={"tags": _("A tag has 1 to 50 characters and no commas.")})
        if name not in clean:
            clean.append(name)
    if len(clean) > MAX_TAGS:
        raise Invalid(fields={"tags": _("At most %(n)s tags.") % {"n": MAX_TAGS}})
    if not clean:
        return []
    Tag.objects.bulk_create([Tag(name=n) for n in clean], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=clean).order_by("name"))


def _clean_body(body: str, body_html: str) -> tuple[str, str]:
    html = sanitize_html(body_html) if body_html else ""
    text = (body or "").strip() or strip_tags(html).strip()
    if not text:
        raise Invalid(fields={"body": _("Write a message.")})
    if len(text) > MAX_BODY_CHARS or len(html) > MAX_BODY_CHARS * 2:
        raise Invalid(fields={"body": _("The message is too long.")})
    return text, html


def _resolve_team(value: Team | int | None) -> Team | None:
    if value is None or isinstance(value, Team):
        return value
    team = Team.objects.filter(pk=value).first() if isinstance(value, int) else None
    if team is None:
        raise Invalid(fields={"team": _("There is no team with this id.")})
    return team


def _resolve_agent(value: User | int | None) -> User | None:
    if value is None or isinstance(value, User):
        return value
    agent = User.objects.filter(pk=value).first() if isinstance(value, int) else None
    if agent is None:
        raise Invalid(fields={"assignee": _("There is no agent with this id.")})
    return agent


def _check_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None:
        return
    if not is_staff_agent(assignee):
        raise Invalid(fields={"assignee": _("Tickets can only be assigned to active agents.")})
    if team is not None and not sees_all_tickets(assignee) and not assignee.teams.filter(pk=team.pk).exists():
        raise Invalid(fields={"assignee": _("This agent is not a member of the ticket's team.")})


def _store_attachments(message: Message, uploads: Sequence[CheckedUpload]) -> None:
    for checked in uploads:
        attachment = Attachment(
            message=message, filename=checked.filename, content_type=checked.content_type, size=checked.size
        )
        attachment.file.save(checked.filename, checked.upload, save=False)
        attachment.save()


def _author(actor: User | None, ticket: Ticket) -> dict[str, Any]:
    if actor is None:
        return {"author_kind": AuthorKind.SYSTEM}
    me = customer_of(actor)
    if me is not None:
        return {"author_kind": AuthorKind.CUSTOMER, "author_customer": me, "author_user": actor}
    return {"author_kind": AuthorKind.AGENT, "author_user": actor}


# --- create -------------------------------------------------------------------------------------

def ticket_create(
    *,
    actor: User,
    subject: str,
    body: str,
    body_html: str = "",
    requester: Customer | None = None,
    requester_email: str | None = None,
    requester_name: str = "",
    channel: str = Channel.API,
    team: Team | int | None = None,
    assignee: User | int | None = None,
    priority: str | None = None,
    type: str | None = None,
    tags: Sequence[str] = (),
    custom_fields: dict[str, Any] | None = None,
    uploads: Sequence[UploadedFile] = (),
) -> Ticket:
    me = customer_of(actor)
    if me is not None:
        privileged = {
            "requester": requester not in (None, me) or requester_email is not None, "team": team is not None, "assignee": assignee is not None,
            "priority": priority is not None, "type": type is not None, "tags": bool(tags),
        }
        denied = [name for name, given in privileged.items() if given]
        if denied:
            raise Forbidden(fields={name: _("Customers cannot set this field.") for name in denied})
        requester = me
    elif not is_staff_agent(actor):
        raise Forbidden()
    if requester is None and not requester_email:
        raise Invalid(fields={"requester": _("This field is required.")})
    team, assignee = _resolve_team(team), _resolve_agent(assignee)
    subject = " ".join((subject or "").split())
    if not subject:
        raise Invalid(fields={"subject": _("Write a subject.")})
    if len(subject) > 250:
        raise Invalid(fields={"subject": _("Use at most 250 characters.")})
    text, html = _clean_body(body, body_html)
    if priority is not None and priority not in Priority.values:
        raise Invalid(fields={"priority": _("Unknown priority.")})
    if type is not None and type not in TicketType.values:
        raise Invalid(fields={"type": _("Unknown type.")})
    if channel not in Channel.values:
        raise Invalid(fields={"channel": _("Unknown channel.")})
    _check_assignee(assignee, team)
    checked = [check_upload(u) for u in uploads]
    values = _clean_custom_fields(actor, {}, custom_fields or {}, enforce_required=True)

    now = clock.now()
    with transaction.atomic():
        if requester is None:
            requester = customer_get_or_create_by_email(email=requester_email or "", name=requester_name)
        ticket = Ticket.objects.create(
            number=next_ticket_number(),
            subject=subject,
            status=TicketStatus.OPEN if assignee else TicketStatus.NEW,
            priority=priority or Priority.NORMAL,
            type=type or TicketType.QUESTION,
            channel=channel,
            requester=requester,
            organization=requester.organization,
            team=team,
            assignee=assignee,
            custom_fields=values,
            created_at=now,
            updated_at=now,
        )
        if tags:
            ticket.tags.set(_tags(tags))
        message = Message.objects.create(
            ticket=ticket, kind=MessageKind.PUBLIC, channel=channel, body_text=text, body_html=html,
            created_at=now, **_author(actor, ticket),
        )
        _store_attachments(message, checked)
        _record(ticket, actor, [("created", None, ticket.reference)])
    return ticket


# --- update -------------------------------------------------------------------------------------

UPDATABLE = ("subject", "status", "priority", "type", "team", "assignee", "tags", "custom_fields")


def _check_customer_update(actor: User, ticket: Ticket, changes: dict[str, Any]) -> None:
    denied = set(changes) - CUSTOMER_UPDATE_FIELDS
    if denied:
        raise Forbidden(fields={name: _("Customers cannot set this field.") for name in sorted(denied)})
    if "status" in changes:
        current, wanted = ticket.status, changes["status"]
        solving = wanted == TicketStatus.SOLVED and behaviour(current).is_active
        reopening = wanted == TicketStatus.OPEN and current == TicketStatus.SOLVED
        if wanted != current and not (solving or reopening):
            raise Forbidden(fields={"status": _("You can mark your request as solved, or reopen a solved one.")})


def _check_status_change(ticket: Ticket, wanted: str) -> None:
    if wanted not in TicketStatus.values:
        raise Invalid(fields={"status": _("Unknown status.")})
    if not behaviour(wanted).agent_settable:
        raise Invalid(fields={"status": _("Use merge to merge tickets.")})
    if behaviour(wanted).is_resolved:
        open_children = TicketLink.objects.filter(
            source=ticket, kind=LinkKind.PARENT, target__status__in=UNRESOLVED_STATUSES
        ).select_related("target")
        numbers = [link.target.reference for link in open_children]
        if numbers:
            raise Conflict(
                _("This ticket has open child tickets: %(numbers)s. Solve them first.") % {"numbers": ", ".join(numbers)},
                fields={"status": _("Child tickets are still open.")},
            )


def ticket_update(*, actor: User, ticket: Ticket, changes: dict[str, Any]) -> Ticket:
    """Apply `changes` (keys from UPDATABLE; team/assignee as objects) and record each one."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Invalid(fields={name: _("This field cannot be changed.") for name in sorted(unknown)})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if customer_of(actor) is not None:
            _check_customer_update(actor, ticket, changes)
        elif not can_edit_ticket(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        recorded = _apply_changes(actor, ticket, changes)
        if recorded:
            ticket.updated_at = clock.now()
            ticket.save()
            _record(ticket, actor, recorded)
    return ticket


def _apply_changes(actor: User, ticket: Ticket, changes: dict[str, Any]) -> list[Change]:
    recorded: list[Change] = []

    def set_field(name: str, value: Any) -> None:
        old = getattr(ticket, name)
        if old != value:
            setattr(ticket, name, value)
            recorded.append((name, old, value))

    if "subject" in changes:
        subject = " ".join(str(changes["subject"] or "").split())
        if not subject or len(subject) > 250:
            raise Invalid(fields={"subject": _("Write a subject of at most 250 characters.")})
        set_field("subject", subject)
    if "priority" in changes:
        if changes["priority"] not in Priority.values:
            raise Invalid(fields={"priority": _("Unknown priority.")})
        set_field("priority", changes["priority"])
    if "type" in changes:
        if changes["type"] not in TicketType.values:
            raise Invalid(fields={"type": _("Unknown type.")})
        set_field("type", changes["type"])
    if "team" in changes:
        set_field("team", _resolve_team(changes["team"]))
    if "assignee" in changes:
        assignee = _resolve_agent(changes["assignee"])
        _check_assignee(assignee, ticket.team)
        set_field("assignee", assignee)
        if ticket.assignee is not None and ticket.status == TicketStatus.NEW and "status" not in changes:
            set_field("status", TicketStatus.OPEN)
    if "status" in changes:
        _check_status_change(ticket, changes["status"])
        set_field("status", changes["status"])
        now = clock.now()
        if ticket.status == TicketStatus.SOLVED:
            ticket.solved_at = now
        if ticket.status == TicketStatus.CLOSED:
            ticket.closed_at = now
    if "custom_fields" in changes:
        values = _clean_custom_fields(actor, ticket.custom_fields, changes["custom_fields"], enforce_required=False)
        set_field("custom_fields", values)
    if "tags" in changes:
        new_tags = _tags(changes["tags"] or [])
        old_names = sorted(ticket.tags.values_list("name", flat=True))
        new_names = [t.name for t in new_tags]
        if old_names != new_names:
            ticket.tags.set(new_tags)
            recorded.append(("tags", old_names, new_names))
    return recorded


# --- messages -----------------------------------------------------------------------------------

def message_create(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    body_html: str = "",
    internal: bool = False,
    channel: str | None = None,
    uploads: Sequence[UploadedFile] = (),
) -> Message:
    text, html = _clean_body(body, body_html)
    checked = [check_upload(u) for u in uploads]
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        allowed = can_add_internal_note(actor, ticket) if internal else can_reply_publicly(actor, ticket)
        if not allowed:
            if behaviour(ticket.status).is_terminal:
                raise Conflict(_("This ticket is closed; open a new request instead."))
            raise Forbidden()
        now = clock.now()
        author = _author(actor, ticket)
        message = Message.objects.create(
            ticket=ticket,
            kind=MessageKind.INTERNAL if internal else MessageKind.PUBLIC,
            channel=channel or Channel.API,
            body_text=text,
            body_html=html,
            created_at=now,
            **author,
        )
        _store_attachments(message, checked)
        changes = _status_after_message(ticket, author["author_kind"], internal)
        ticket.updated_at = now
        ticket.save(update_fields=["status", "updated_at"])
        if changes:
            _record(ticket, actor, changes)
    return message


def _status_after_message(ticket: Ticket, author_kind: str, internal: bool) -> list[Change]:
    """A customer's reply reopens a ticket waiting on them or solved; an agent's first reply opens it."""
    if internal:
        return []
    old = ticket.status
    if author_kind == AuthorKind.CUSTOMER and old in (TicketStatus.PENDING_CUSTOMER, TicketStatus.SOLVED):
        ticket.status = TicketStatus.OPEN
    elif author_kind == AuthorKind.AGENT and old == TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    return [("status", old, ticket.status)] if ticket.status != old else []


# --- merge, link, refer -------------------------------------------------------------------------

def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets in id order (no deadlock between opposite merges)."""
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")}
    return locked[first.pk], locked[second.pk]


def ticket_merge(*, actor: User, source: Ticket, target: Ticket) -> Ticket:
    """Merge `source` into `target`: its messages move to the survivor, it points there."""
    if source.pk == target.pk:
        raise Invalid(fields={"target": _("A ticket cannot be merged into itself.")})
    with transaction.atomic():
        source, target = _lock_pair(source, target)
        for ticket in (source, target):
            if not can_view_ticket(actor, ticket):
                raise NotFound()
            if not can_edit_ticket(actor, ticket):
                raise Forbidden()
            if behaviour(ticket.status).is_terminal:
                raise Conflict(_("Ticket %(ref)s is closed or merged.") % {"ref": ticket.reference})
        now = clock.now()
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        Message.objects.create(
            ticket=target, kind=MessageKind.INTERNAL, author_kind=AuthorKind.SYSTEM, channel=Channel.INTERNAL,
            body_text=ngettext(
                "Ticket %(source)s was merged into this one (%(count)s message moved).",
                "Ticket %(source)s was merged into this one (%(count)s messages moved).",
                moved,
            )
            % {"source": source.reference, "count": moved},
            created_at=now,
        )
        old_status = source.status
        source.status, source.merged_into, source.updated_at = TicketStatus.MERGED, target, now
        source.save(update_fields=["status", "merged_into", "updated_at"])
        target.updated_at = now
        target.save(update_fields=["updated_at"])
        target.collaborators.add(*source.collaborators.all())
        _record(source, actor, [("status", old_status, TicketStatus.MERGED), ("merged_into", None, target.reference)])
        _record(target, actor, [("merged_from", None, source.reference)])
    return target


def ticket_link(*, actor: User, source: Ticket, target: Ticket, kind: str) -> TicketLink:
    """Relate two tickets, or make `source` the parent of `target`."""
    if kind not in LinkKind.values:
        raise Invalid(fields={"kind": _("Unknown link kind.")})
    if source.pk == target.pk:
        raise Invalid(fields={"target": _("A ticket cannot be linked to itself.")})
    with transaction.atomic():
        source, target = _lock_pair(source, target)
        for ticket in (source, target):
            if not can_view_ticket(actor, ticket):
                raise NotFound()
            if not can_edit_ticket(actor, ticket):
                raise Forbidden()
        if TicketLink.objects.filter(source=target, target=source).exists() or TicketLink.objects.filter(
            source=source, target=target
        ).exists():
            raise Conflict(_("These tickets are already linked."))
        if kind == LinkKind.PARENT and _is_ancestor(target, of=source):
            raise Conflict(_("This link would make a ticket its own ancestor."))
        link = TicketLink.objects.create(source=source, target=target, kind=kind, created_at=clock.now())
        label = "parent_of" if kind == LinkKind.PARENT else "related_to"
        _record(source, actor, [(label, None, target.reference)])
        _record(target, actor, [("child_of" if kind == LinkKind.PARENT else "related_to", None, source.reference)])
    return link


def _is_ancestor(candidate: Ticket, *, of: Ticket) -> bool:
    seen: set[int] = set()
    frontier = [of.pk]
    while frontier:
        parents = list(
            TicketLink.objects.filter(kind=LinkKind.PARENT, target_id__in=frontier).values_list("source_id", flat=True)
        )
        if candidate.pk in parents:
            return True
        frontier = [p for p in parents if p not in seen]
        seen.update(frontier)
    return False


def ticket_refer(*, actor: User, ticket: Ticket, collaborator: User, note: str) -> Message:
    """Refer a ticket to a colleague: they become a collaborator and are told why; the owner stays."""
    from .tasks import notify_referral

    if not collaborator.is_active or not collaborator.is_agent:
        raise Invalid(fields={"collaborator": _("Tickets can only be referred to active agents.")})
    note = (note or "").strip()
    if not note:
        raise Invalid(fields={"note": _("Say why you refer this ticket.")})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if not can_edit_ticket(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        if ticket.collaborators.filter(pk=collaborator.pk).exists():
            raise Conflict(_("This ticket was already referred to this person."))
        ticket.collaborators.add(collaborator)
        now = clock.now()
        message = Message.objects.create(
            ticket=ticket, kind=MessageKind.INTERNAL, author_kind=AuthorKind.AGENT, author_user=actor,
            channel=Channel.INTERNAL, body_text=note, created_at=now,
        )
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
        _record(ticket, actor, [("collaborator_added", None, collaborator)])
        enqueue_after_commit(notify_referral, message_id=message.pk, collaborator_id=collaborator.pk)
    return message
