"""Rule actions: validated as data, applied through the ticket services as the automation actor.

    {"type": "set", "field": "status|priority|type|team|assignee", "value": ...}
    {"type": "add_tags" | "remove_tags", "value": ["name", ...]}
    {"type": "note" | "reply", "value": "text with {{ customer.first_name }} …"}

Each action runs in its own savepoint: one that refers to a deleted team/agent, or that the
ticket refuses (a closed ticket, an agent outside the team), is reported and skipped; the others
still apply and nothing is half-written."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from atiende.core.exceptions import DomainError
from atiende.tickets.models import Priority, Ticket, TicketType
from atiende.tickets.services import message_create, ticket_update
from atiende.tickets.status import TicketStatus

SET_FIELDS = {"status", "priority", "type", "team", "assignee"}
TYPES = {"set", "add_tags", "remove_tags", "note", "reply"}
MAX_ACTIONS = 20
MAX_TEXT = 5000


def validate(actions: Any, *, prefix: str = "actions") -> dict[str, str]:
    """Field-named problems in an action list ({} when valid). English msgids, translated at the edge."""
    if not isinstance(actions, list) or not actions:
        return {prefix: "Give at least one action."}
    if len(actions) > MAX_ACTIONS:
        return {prefix: "Too many actions."}
    errors: dict[str, str] = {}
    for n, action in enumerate(actions):
        path = f"{prefix}[{n}]"
        if not isinstance(action, dict) or action.get("type") not in TYPES:
            errors[f"{path}.type"] = "Unknown action."
            continue
        kind, value = action["type"], action.get("value")
        if kind == "set":
            field = action.get("field")
            if field not in SET_FIELDS:
                errors[f"{path}.field"] = "This field cannot be set by a rule."
            elif not _settable(field, value):
                errors[f"{path}.value"] = "Not a valid value for this field."
        elif kind in ("add_tags", "remove_tags"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and 0 < len(v.strip()) <= 50 for v in value):
                errors[f"{path}.value"] = "Must be a non-empty list of tag names."
        elif not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            errors[f"{path}.value"] = "Write the text (at most 5000 characters)."
    return errors


def _settable(field: str, value: Any) -> bool:
    choices = {"status": TicketStatus.values, "priority": Priority.values, "type": TicketType.values}
    if field in choices:
        return value in choices[field]
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)


def describe(action: dict[str, Any]) -> str:
    """A short, language-neutral account of an action, kept in history and the dry run."""
    kind, value = action["type"], action.get("value")
    if kind == "set":
        return f"{action['field']} → {'—' if value is None else value}"
    if kind == "add_tags":
        return "+" + ", +".join(value)
    if kind == "remove_tags":
        return "−" + ", −".join(value)
    return f"{kind}: {str(value)[:60]}"


def apply(action: dict[str, Any], ticket: Ticket, *, actor: Any) -> str | None:
    """Apply one action; returns the problem (English) when it was skipped, else None."""
    try:
        with transaction.atomic():
            _apply(action, ticket, actor=actor)
    except DomainError as error:
        return f"{describe(action)}: {_reason(error)}"
    return None


def _reason(error: Exception) -> str:
    fields = getattr(error, "fields", None)
    if fields:
        return "; ".join(f"{k}: {v}" for k, v in fields.items())
    return str(getattr(error, "message", "") or error)


def _apply(action: dict[str, Any], ticket: Ticket, *, actor: Any) -> None:
    from atiende.macros.variables import render

    kind, value = action["type"], action.get("value")
    if kind == "set":
        ticket_update(actor=actor, ticket=ticket, changes={action["field"]: value})
    elif kind in ("add_tags", "remove_tags"):
        current = list(ticket.tags.values_list("name", flat=True))
        wanted = current + [v for v in value if v not in current] if kind == "add_tags" else [
            t for t in current if t not in set(value)
        ]
        ticket_update(actor=actor, ticket=ticket, changes={"tags": wanted})
    else:
        language = (ticket.requester.language if ticket.requester else "") or "es-mx"
        text = render(value, ticket=ticket, language=language)
        message_create(actor=actor, ticket=ticket, body=text, internal=kind == "note")
    ticket.refresh_from_db()
