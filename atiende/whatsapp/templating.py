"""WhatsApp message templates as text (pure: no database): their `{{n}}` variables, filling them
in, and Meta's rules for names, language codes and values (Cloud API, "Message templates")."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

VARIABLE = re.compile(r"\{\{\s*(\d{1,3})\s*\}\}")
NAME = re.compile(r"^[a-z0-9_]{1,512}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
MAX_BODY = 1024  # Meta's limit for a template's body
MAX_VALUE = 1024


def variable_count(body: str) -> int:
    """How many variables the body has; ValueError unless they are {{1}}…{{n}}, each at least once."""
    numbers = {int(n) for n in VARIABLE.findall(body)}
    if numbers and numbers != set(range(1, max(numbers) + 1)):
        raise ValueError(_("Number the variables {{1}}, {{2}}… without gaps."))
    return len(numbers)


def body_problem(body: str) -> str:
    if not body.strip():
        return _("This field is required.")
    if len(body) > MAX_BODY:
        return _("At most %(count)s characters.") % {"count": MAX_BODY}
    try:
        variable_count(body)
    except ValueError as exc:
        return str(exc)
    return ""


NOTICE_VARIABLES = 3  # {{1}} the name the customer goes by, {{2}} the subject, {{3}} the link to the whole notice


def notice_problem(body: str) -> str:
    """Why a template cannot carry notices: it takes more variables than a notice fills."""
    try:
        count = variable_count(body)
    except ValueError as exc:
        return str(exc)
    if count > NOTICE_VARIABLES:
        return _("A template for notices takes at most three variables: {{1}} the name, {{2}} the subject, "
                 "{{3}} the link to the notice.")
    return ""


def notice_values(count: int, *, name: str, subject: str, link: str) -> list[str]:
    """The values of a notice template with `count` variables, each cut to what Meta accepts
    (a line break, a tab or four spaces in a row would be refused: they become one space)."""
    values = [" ".join(value.split())[:MAX_VALUE] or "-" for value in (name, subject, link)]
    return values[:count]


def value_problem(value: str) -> str:
    """Meta refuses a variable that is empty, has a line break or tab, or four spaces in a row."""
    if not value.strip():
        return _("Fill in every variable.")
    if "\n" in value or "\r" in value or "\t" in value or "    " in value:
        return _("A variable may not contain line breaks, tabs or four spaces in a row.")
    if len(value) > MAX_VALUE:
        return _("At most %(count)s characters.") % {"count": MAX_VALUE}
    return ""


def render(body: str, values: list[str]) -> str:
    """The body with {{n}} replaced by the n-th value (the caller checked the count)."""
    return VARIABLE.sub(lambda m: values[int(m.group(1)) - 1], body)
