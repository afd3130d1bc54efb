"""Rule actions: validated as data, applied through the ticket services as the automation actor.

    {"type": "set", "field": "status|priority|type|team|assignee", "value": ...}
    {"type": "add_tags" | "remove_tags", "value": ["name", ...]}
    {"type": "note" | "reply", "value": "text with {{ customer.first_name }} …"}
    {"type": "email", "subject": "…", "value": "body"}  to the requester, variables in both
    {"type": "apply_macro", "value": <macro id>}        through macros.services.macro_apply
    {"type": "webhook", "value": <subscription id>}      one signed delivery of "rule.action"
    {"type": "escalate", "value": "reason"}              to the team's next tier (routing's escalation)

Each action runs in its own savepoint: one that refers to a deleted team/agent, or that the
ticket refuses (a closed ticket, an agent outside the team), is reported and skipped; the others
still apply and nothing is half-written."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_noop

from atiende.core.exceptions import DomainError, Invalid, NotFound
from atiende.tickets.models import Priority, Ticket, TicketType
from atiende.tickets.services import message_create, ticket_update
from atiende.tickets.status import TicketStatus

SET_FIELDS = {"status", "priority", "type", "team", "assignee"}
TYPES = {"set", "add_tags", "remove_tags", "note", "reply", "email", "apply_macro", "webhook", "escalate"}
TEXT_TYPES = {"note", "reply", "email", "escalate"}
REFERENCE_TYPES = {"apply_macro", "webhook"}
MAX_ACTIONS = 20
MAX_TEXT = 5000
MAX_SUBJECT = 200
# The event name of a rule's webhook call (decision 0024; docs/api.md).
WEBHOOK_EVENT = "rule.action"
logger = logging.getLogger(__name__)


def validate(actions: Any, *, prefix: str = "actions") -> dict[str, str]:
    """Field-named problems in an action list ({} when valid). English msgids (marked with
    gettext_noop), translated at the edge."""
    if not isinstance(actions, list) or not actions:
        return {prefix: gettext_noop("Give at least one action.")}
    if len(actions) > MAX_ACTIONS:
        return {prefix: gettext_noop("Too many actions.")}
    errors: dict[str, str] = {}
    for n, action in enumerate(actions):
        path = f"{prefix}[{n}]"
        if not isinstance(action, dict) or action.get("type") not in TYPES:
            errors[f"{path}.type"] = gettext_noop("Unknown action.")
            continue
        kind, value = action["type"], action.get("value")
        if kind == "set":
            field = action.get("field")
            if field not in SET_FIELDS:
                errors[f"{path}.field"] = gettext_noop("This field cannot be set by a rule.")
            elif not _settable(field, value):
                errors[f"{path}.value"] = gettext_noop("Not a valid value for this field.")
        elif kind in ("add_tags", "remove_tags"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and 0 < len(v.strip()) <= 50 for v in value):
                errors[f"{path}.value"] = gettext_noop("Must be a non-empty list of tag names.")
        elif kind in REFERENCE_TYPES:
            if not _is_id(value):
                errors[f"{path}.value"] = gettext_noop("Give the id of an existing macro or webhook subscription.")
        else:
            errors.update(_text_problems(value, f"{path}.value", MAX_TEXT))
            if kind == "email":
                errors.update(_text_problems(action.get("subject"), f"{path}.subject", MAX_SUBJECT))
    return errors


def _text_problems(value: Any, path: str, limit: int) -> dict[str, str]:
    """A text with variables: present, not too long, only known variables (macros' vocabulary)."""
    from atiende.macros.variables import problems

    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return {path: gettext_noop("Write the text (at most 5000 characters).") if limit == MAX_TEXT
                else gettext_noop("Write a subject (at most 200 characters).")}
    found = problems(value)
    return {path: " ".join(found)} if found else {}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _settable(field: str, value: Any) -> bool:
    choices = {"status": TicketStatus.values, "priority": Priority.values, "type": TicketType.values}
    if field in choices:
        return value in choices[field]
    return value is None or _is_id(value)


def describe(action: dict[str, Any]) -> str:
    """A short, language-neutral account of an action, kept in history and the dry run."""
    kind, value = action["type"], action.get("value")
    if kind == "set":
        return f"{action['field']} → {'—' if value is None else value}"
    if kind == "add_tags":
        return "+" + ", +".join(value)
    if kind == "remove_tags":
        return "−" + ", −".join(value)
    if kind == "email":
        return f"email: {str(action.get('subject'))[:60]}"
    if kind in REFERENCE_TYPES:
        return f"{kind} #{value}"
    return f"{kind}: {str(value)[:60]}"


def apply(action: dict[str, Any], ticket: Ticket, *, actor: Any, rule_name: str = "") -> str | None:
    """Apply one action; returns the problem when it was skipped, else None. Never raises for a
    bad reference or a refused change: a rule's mistake must not fail the ticket change that ran it."""
    try:
        with transaction.atomic():
            _apply(action, ticket, actor=actor, rule_name=rule_name)
    except DomainError as error:
        return f"{describe(action)}: {_reason(error)}"
    except (ObjectDoesNotExist, ValueError, TypeError, KeyError) as error:  # a rule saved before a change of ours
        logger.warning("Rule action %s on ticket %s failed", action.get("type"), ticket.pk, exc_info=True)
        return f"{describe(action)}: {type(error).__name__}"
    return None


def _reason(error: Exception) -> str:
    from django.utils.translation import gettext

    fields = getattr(error, "fields", None)
    if fields:
        return "; ".join(f"{k}: {gettext(str(v))}" for k, v in fields.items())
    return gettext(str(getattr(error, "message", "") or error))


def _apply(action: dict[str, Any], ticket: Ticket, *, actor: Any, rule_name: str) -> None:
    kind, value = action["type"], action.get("value")
    if kind == "set":
        ticket_update(actor=actor, ticket=ticket, changes={action["field"]: value})
    elif kind in ("add_tags", "remove_tags"):
        current = list(ticket.tags.values_list("name", flat=True))
        wanted = current + [v for v in value if v not in current] if kind == "add_tags" else [
            t for t in current if t not in set(value)
        ]
        ticket_update(actor=actor, ticket=ticket, changes={"tags": wanted})
    elif kind == "apply_macro":
        _apply_macro(value, ticket, actor=actor)
    elif kind == "webhook":
        _call_webhook(value, ticket, rule_name=rule_name)
    elif kind == "email":
        _email(action, ticket)
    elif kind == "escalate":
        _escalate(value, ticket, actor=actor)
    else:
        text = _render(value, ticket)
        message_create(actor=actor, ticket=ticket, body=text, internal=kind == "note")
    ticket.refresh_from_db()


def _language(ticket: Ticket) -> str:
    from django.conf import settings

    return (ticket.requester.language if ticket.requester_id else "") or settings.LANGUAGE_CODE


def _render(text: str, ticket: Ticket) -> str:
    from atiende.macros.variables import render

    return render(text, ticket=ticket, language=_language(ticket))


def _apply_macro(macro_id: int, ticket: Ticket, *, actor: Any) -> None:
    from atiende.macros.models import Macro
    from atiende.macros.services import macro_apply

    macro = Macro.objects.filter(pk=macro_id).first()
    if macro is None:
        raise NotFound(gettext_noop("The macro no longer exists."))
    macro_apply(actor=actor, ticket=ticket, macro=macro)


def _escalate(reason: str, ticket: Ticket, *, actor: Any) -> None:
    """The same hand-over as an agent's escalation: next tier, no assignee, the reason noted."""
    from atiende.routing.services import ticket_escalate

    ticket_escalate(actor=actor, ticket=ticket, reason=_render(reason, ticket))


def _call_webhook(subscription_id: int, ticket: Ticket, *, rule_name: str) -> None:
    from atiende.webhooks.payloads import ticket_part
    from atiende.webhooks.services import delivery_queue_to

    delivery_queue_to(subscription_id=subscription_id, event=WEBHOOK_EVENT, ticket_id=ticket.pk,
                      build=lambda: {"ticket": ticket_part(ticket), "rule": {"name": rule_name}})


def _email(action: dict[str, Any], ticket: Ticket) -> None:
    """Render now (the ticket as the rule saw it), send after commit by the job `automation.email`."""
    from atiende.core.jobs import enqueue_after_commit

    from .selectors import requester_email
    from .tasks import send_email  # tasks import nothing of ours at module level

    address = requester_email(ticket)
    if not address:
        raise Invalid(gettext_noop("The requester has no email address."))
    enqueue_after_commit(send_email, ticket_id=ticket.pk, address=address,
                         subject=" ".join(_render(action["subject"], ticket).split()), body=_render(action["value"], ticket))
