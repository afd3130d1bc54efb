"""Variables in macro texts: `{{ customer.first_name }}` and a few others, and nothing else.

Not Django templates: a template reaches Python objects (`{{ ticket.requester.user.password }}`,
`{% load %}`, `{% debug %}`), and macro texts are written by agents. Here a variable is a name in
VARIABLES, computed by a function of its own from the ticket; anything else is left as written
(and refused when a macro is saved, see `problems`). Substitution is one pass: a value that
itself reads like a variable (a customer named "{{ ticket.subject }}") is never expanded.
See docs/decisions/0025-macro-variables.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atiende.core import clock

if TYPE_CHECKING:
    from atiende.accounts.models import User
    from atiende.tickets.models import Ticket

# `{{ name }}` on one line, the name at most 60 characters; spaces inside the braces are optional.
PATTERN = re.compile(r"\{\{\s*([^{}\n]{0,60}?)\s*\}\}")
# Template syntax that is not a variable: refused when saved, left as written when rendered.
TEMPLATE_TAG = re.compile(r"\{%|%\}|\{#|#\}")


@dataclass(frozen=True)
class Context:
    ticket: Ticket
    agent: User | None


def _first_word(name: str) -> str:
    words = (name or "").split()
    return words[0] if words else ""


def _agent(context: Context) -> User | None:
    return context.agent if context.agent is not None and context.agent.is_agent else context.ticket.assignee


def _promise(context: Context) -> str:
    """When the customer can expect our answer, as the acknowledgement tells them: the SLA's
    running response deadline in their time zone and the active language; empty when none runs
    or it is already past (we never promise a time already gone)."""
    from atiende.sla import wording
    from atiende.sla.selectors import customer_promise

    ticket = context.ticket
    now = clock.now()
    promise = customer_promise(ticket=ticket, now=now, time_zone=ticket.requester.time_zone or None)
    if promise is None or promise.expected_by <= now or not promise.time_zone:
        return ""
    return _("%(moment)s, %(zone)s") % {
        "moment": wording.moment(promise.expected_by, promise.time_zone), "zone": wording.zone_name(promise.time_zone)}


VARIABLES: dict[str, tuple[Any, Callable[[Context], str]]] = {
    "customer.first_name": (gettext_lazy("The customer's first name"), lambda c: _first_word(c.ticket.requester.name)),
    "customer.name": (gettext_lazy("The customer's full name"), lambda c: c.ticket.requester.name),
    "organization.name": (gettext_lazy("The customer's organization"),
                          lambda c: c.ticket.organization.name if c.ticket.organization_id else ""),
    "ticket.number": (gettext_lazy("The ticket number"), lambda c: str(c.ticket.number)),
    "ticket.subject": (gettext_lazy("The ticket subject"), lambda c: c.ticket.subject),
    "ticket.promise": (gettext_lazy("When we promised to answer (the SLA), in the customer's time zone"), _promise),
    "agent.first_name": (gettext_lazy("The first name of the agent applying the macro (else the assignee)"),
                         lambda c: _first_word(_agent(c).name) if _agent(c) is not None else ""),
}


def problems(text: str) -> list[str]:
    """What is wrong with a macro text, for the person saving it: unknown variables and template
    tags, each named once, in order. Empty when every `{{ … }}` is a known variable."""
    found: list[str] = []
    for match in PATTERN.finditer(text or ""):
        name = match.group(1)
        if name not in VARIABLES:
            message = _("Unknown variable “%(name)s”.") % {"name": name} if name else _("An empty variable “{{ }}”.")
            if message not in found:
                found.append(message)
    if TEMPLATE_TAG.search(text or ""):
        found.append(_("Only variables such as {{ customer.first_name }} are supported; remove “{%” and “{#”."))
    return found


def render(text: str, *, ticket: Ticket, language: str, agent: User | None = None) -> str:
    """`text` with each known variable replaced by its value for `ticket`, formatted in `language`.

    A variable whose data is missing (no organization, no running SLA) becomes empty; anything
    that is not a known variable stays as written. `agent`: who applies it (`agent.first_name`);
    None (an automatic rule) names the ticket's assignee. Each value is computed once."""
    context = Context(ticket=ticket, agent=agent)
    values: dict[str, str] = {}

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in VARIABLES:
            return match.group(0)
        if name not in values:
            values[name] = str(VARIABLES[name][1](context) or "")
        return values[name]

    with translation.override(language):
        return PATTERN.sub(value, text or "")
