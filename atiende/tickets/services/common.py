"""Helpers shared by the ticket services: validation, history, attachments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.core import clock
from atiende.core.exceptions import Invalid
from atiende.core.html import sanitize_html
from atiende.customers.permissions import customer_of

from ..attachments import CheckedUpload
from ..custom_fields import CustomFieldErrors, FieldSpec, clean_custom_fields
from ..models import (
    Attachment,
    AuthorKind,
    CustomField,
    Message,
    Tag,
    Ticket,
    TicketEvent,
)

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


def record_changes(ticket: Ticket, actor: User | None, changes: Iterable[Change], *, note: str = "") -> None:
    now = clock.now()
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket, actor=actor, field=field, old_value=_display(old), new_value=_display(new),
                note=note, created_at=now,
            )
            for field, old, new in changes
        ]
    )


def field_specs(*, include_agent_only: bool) -> list[FieldSpec]:
    fields = CustomField.objects.filter(active=True)
    if not include_agent_only:
        fields = fields.filter(agent_only=False)
    return [FieldSpec(key=f.key, kind=f.kind, required=f.required, choices=tuple(f.choices or ())) for f in fields]


def clean_custom_field_values(actor: User, current: dict, changes: dict, *, enforce_required: bool) -> dict:
    if not isinstance(changes, dict):
        raise Invalid(fields={"custom_fields": _("Send an object of field keys and values.")})
    specs = field_specs(include_agent_only=is_staff_agent(actor))
    try:
        return clean_custom_fields(specs, current, changes, enforce_required=enforce_required and not is_staff_agent(actor))
    except CustomFieldErrors as exc:
        raise Invalid(fields={"custom_fields": exc.errors}) from exc


def tags_from_names(names: Iterable[str]) -> list[Tag]:
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


def clean_body(body: str, body_html: str) -> tuple[str, str]:
    html = sanitize_html(body_html) if body_html else ""
    text = (body or "").strip() or strip_tags(html).strip()
    if not text:
        raise Invalid(fields={"body": _("Write a message.")})
    if len(text) > MAX_BODY_CHARS or len(html) > MAX_BODY_CHARS * 2:
        raise Invalid(fields={"body": _("The message is too long.")})
    return text, html


def resolve_team(value: Team | int | None) -> Team | None:
    if value is None or isinstance(value, Team):
        return value
    team = Team.objects.filter(pk=value).first() if isinstance(value, int) else None
    if team is None:
        raise Invalid(fields={"team": _("There is no team with this id.")})
    return team


def resolve_agent(value: User | int | None) -> User | None:
    if value is None or isinstance(value, User):
        return value
    agent = User.objects.filter(pk=value).first() if isinstance(value, int) else None
    if agent is None:
        raise Invalid(fields={"assignee": _("There is no agent with this id.")})
    return agent


def check_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None:
        return
    if not is_staff_agent(assignee):
        raise Invalid(fields={"assignee": _("Tickets can only be assigned to active agents.")})
    if team is not None and not sees_all_tickets(assignee) and not assignee.teams.filter(pk=team.pk).exists():
        raise Invalid(fields={"assignee": _("This agent is not a member of the ticket's team.")})


def store_attachments(message: Message, uploads: Sequence[CheckedUpload]) -> None:
    for checked in uploads:
        attachment = Attachment(
            message=message, filename=checked.filename, content_type=checked.content_type, size=checked.size
        )
        attachment.file.save(checked.filename, checked.upload, save=False)
        attachment.save()


def author_fields(actor: User | None, ticket: Ticket) -> dict[str, Any]:
    if actor is None:
        return {"author_kind": AuthorKind.SYSTEM}
    me = customer_of(actor)
    if me is not None:
        return {"author_kind": AuthorKind.CUSTOMER, "author_customer": me, "author_user": actor}
    return {"author_kind": AuthorKind.AGENT, "author_user": actor}

