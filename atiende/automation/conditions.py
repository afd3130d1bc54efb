"""Rule conditions: data evaluated by a pure function, never code.

A condition group is `{"all": [...], "any": [...]}`; each item is `{"field", "op", "value"}`.
The group holds when every `all` item holds and, if `any` is not empty, at least one `any` item
holds (an empty group always holds). Items are evaluated over a *snapshot*: a plain dict built by
`automation.selectors.ticket_snapshot` (no model objects reach here, so a rule can read only what
the snapshot offers — no `eval`, no templates, no attribute walking).

Operators (the vocabulary, also in docs/api.md):

    is, is_not                  equality (text compared folded: case and accents ignored)
    in, not_in                  value is a list; the field's value is (not) one of them
    contains, not_contains      text contains (folded); on a list field (tags) = has the element
    starts_with, ends_with      text, folded
    greater_than, less_than     numbers (and ISO dates as text compare in order)
    is_empty, is_not_empty      no value needed
    changed                     the field changed in this event (snapshot["changed"])
    changed_to, changed_from    the field changed, to / from this value

`changed*` read `snapshot["changes"]`: {field: (old, new)} for the event that triggered the run.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_noop

from atiende.tickets.facts import fact_choices

# Fields a rule may name; the snapshot selector fills exactly these (plus "cf.<key>" for custom
# fields, and the ticket facts features offer: tickets/facts.py, e.g. "warranty"). Kept here so
# validation needs no database.
FIELDS = frozenset(
    {
        "subject", "status", "priority", "type", "channel", "team", "assignee", "number",
        "requester_email", "requester_name", "organization", "segment", "sector", "plan",
        "language", "business_hours", "last_message", "last_message_author", "tags",
        "age_minutes",
    }
)
CUSTOM_PREFIX = "cf."

OPS_NO_VALUE = frozenset({"is_empty", "is_not_empty", "changed"})
OPS_LIST_VALUE = frozenset({"in", "not_in"})
OPS = frozenset(
    {
        "is", "is_not", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with",
        "greater_than", "less_than", "is_empty", "is_not_empty", "changed", "changed_to",
        "changed_from",
    }
)
MAX_ITEMS = 50


def fold(value: Any) -> str:
    """Text compared the way a person reads it: case and accents ignored ("CAÍDO" ~ "caido")."""
    return _fold(str(value))


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    # Memoized: fifty triggers read the same subject, and each rule's values are the same on every
    # ticket; folding is the evaluator's main cost.
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return fold(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list | tuple | set | frozenset):
        return {_text(a) for a in actual} == {_text(e) for e in (expected or [])} if isinstance(expected, list) else False
    return _text(actual) == _text(expected)


def _lookup(snapshot: Mapping[str, Any], field: str) -> Any:
    if field.startswith(CUSTOM_PREFIX):
        return (snapshot.get("custom_fields") or {}).get(field[len(CUSTOM_PREFIX):])
    return snapshot.get(field)


def _compare(op: str, actual: Any, expected: Any) -> bool | None:
    """Ordering ops: numbers when both are numbers, else folded text; None when incomparable."""
    a, e = _number(actual), _number(expected)
    if a is not None and e is not None:
        return a > e if op == "greater_than" else a < e
    if actual is None or expected is None or isinstance(actual, list):
        return None
    ta, te = _text(actual), _text(expected)
    return ta > te if op == "greater_than" else ta < te


def item_holds(item: Mapping[str, Any], snapshot: Mapping[str, Any]) -> bool:
    field, op, expected = item["field"], item["op"], item.get("value")
    if op in ("changed", "changed_to", "changed_from"):
        change = (snapshot.get("changes") or {}).get(field)
        if change is None:
            return False
        if op == "changed":
            return True
        old, new = change
        return _equal(new if op == "changed_to" else old, expected)
    actual = _lookup(snapshot, field)
    is_list = isinstance(actual, list | tuple | set | frozenset)
    if op == "is":
        return _equal(actual, expected)
    if op == "is_not":
        return not _equal(actual, expected)
    if op in ("in", "not_in"):
        found = any(_equal(actual, e) for e in expected) if not is_list else any(
            _text(a) in {_text(e) for e in expected} for a in actual
        )
        return found if op == "in" else not found
    if op in ("contains", "not_contains"):
        if is_list:
            found = _text(expected) in {_text(a) for a in actual}
        else:
            found = _text(expected) in _text(actual)
        return found if op == "contains" else not found
    if op == "starts_with":
        return not is_list and _text(actual).startswith(_text(expected))
    if op == "ends_with":
        return not is_list and _text(actual).endswith(_text(expected))
    if op in ("greater_than", "less_than"):
        return bool(_compare(op, actual, expected))
    if op == "is_empty":
        return actual in (None, "", [], ())
    if op == "is_not_empty":
        return actual not in (None, "", [], ())
    raise ValueError(op)  # unreachable for a validated definition


def holds(conditions: Mapping[str, Any] | None, snapshot: Mapping[str, Any]) -> bool:
    """Whether a *validated* condition group holds over `snapshot`."""
    if not conditions:
        return True
    if not all(item_holds(i, snapshot) for i in conditions.get("all") or ()):
        return False
    any_items = conditions.get("any") or ()
    return not any_items or any(item_holds(i, snapshot) for i in any_items)


def validate(conditions: Any, *, prefix: str = "conditions") -> dict[str, str]:
    """Field-named problems in a condition group ({} when it is valid).

    Keys are paths such as "conditions.all[0].op", so the API's 400 names the exact spot. Messages
    are English msgids; callers translate them with gettext at the edge."""
    errors: dict[str, str] = {}
    if conditions in (None, {}):
        return errors
    if not isinstance(conditions, dict):
        return {prefix: gettext_noop("Must be an object with \"all\" and \"any\" lists.")}
    for key in conditions:
        if key not in ("all", "any"):
            errors[f"{prefix}.{key}"] = gettext_noop("Unknown key; use \"all\" and \"any\".")
    for group in ("all", "any"):
        items = conditions.get(group, [])
        path = f"{prefix}.{group}"
        if not isinstance(items, list):
            errors[path] = gettext_noop("Must be a list of conditions.")
            continue
        if len(items) > MAX_ITEMS:
            errors[path] = gettext_noop("Too many conditions.")
            continue
        for n, item in enumerate(items):
            errors.update(_validate_item(item, f"{path}[{n}]"))
    return errors


def _validate_item(item: Any, path: str) -> dict[str, str]:
    if not isinstance(item, dict):
        return {path: gettext_noop("Must be an object with \"field\", \"op\" and \"value\".")}
    errors: dict[str, str] = {}
    field, op = item.get("field"), item.get("op")
    if not isinstance(field, str) or not (field in FIELDS or field in fact_choices()
                                          or (field.startswith(CUSTOM_PREFIX) and len(field) > 3)):
        errors[f"{path}.field"] = gettext_noop("Unknown field.")
    if op not in OPS:
        errors[f"{path}.op"] = gettext_noop("Unknown operator.")
        return errors
    value = item.get("value")
    if op in OPS_NO_VALUE:
        return errors
    if op in OPS_LIST_VALUE:
        if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
            errors[f"{path}.value"] = gettext_noop("Must be a non-empty list of values.")
    elif not _is_scalar(value) and not (op in ("is", "is_not") and isinstance(value, list)):
        errors[f"{path}.value"] = gettext_noop("A value is required.")
    elif op in ("greater_than", "less_than") and value is None:
        errors[f"{path}.value"] = gettext_noop("A value is required.")
    return errors


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and not (isinstance(value, str) and len(value) > 1000)
