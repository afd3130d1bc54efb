"""Variables in a notice's text, and the message each recipient gets (pure: no database).

The same `{{ name }}` syntax as macros (docs/decisions/0025), with the variables a notice can
know without a ticket. Substitution is one pass, so a customer named "{{ customer.name }}" is
never expanded; unknown variables are refused when the notice is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PATTERN = re.compile(r"\{\{\s*([^{}\n]{0,60}?)\s*\}\}")
TEMPLATE_TAG = re.compile(r"\{%|%\}|\{#|#\}")

VARIABLES = {
    "customer.greeting_name": gettext_lazy("What the customer goes by (else their first name)"),
    "customer.name": gettext_lazy("The customer's full name"),
    "organization.name": gettext_lazy("The customer's organization"),
}


@dataclass(frozen=True)
class Recipient:
    greeting_name: str
    name: str
    organization: str


def problems(text: str) -> list[str]:
    """Unknown variables and template tags in `text`, each named once, in order."""
    found = [match.group(1) for match in PATTERN.finditer(text) if match.group(1) not in VARIABLES]
    if TEMPLATE_TAG.search(text):
        found.append(TEMPLATE_TAG.search(text).group(0))
    return list(dict.fromkeys(found))


def render(text: str, recipient: Recipient) -> str:
    values = {"customer.greeting_name": recipient.greeting_name, "customer.name": recipient.name,
              "organization.name": recipient.organization}
    return PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def footer(*, site: str, unsubscribe_url: str | None) -> str:
    """The lines under a notice, in the active language: why it came, and for a non-essential
    notice how to stop receiving them."""
    if unsubscribe_url is None:
        return _("You receive this service notice because you are a customer of %(site)s.") % {"site": site}
    return _("You receive this notice because you are a customer of %(site)s. To stop receiving announcements "
             "like this one, open: %(url)s") % {"site": site, "url": unsubscribe_url}
