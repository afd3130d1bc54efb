"""`<option>` lists built in Python: the inbox and the ticket page list every agent and up to 500
organizations, and a template loop (or Django's option template) costs a few milliseconds per list."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # the stdlib's: Django's own wraps it and is slower per call
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def _pair(item: Any) -> tuple[Any, Any]:
    """A choice as (value, label): a pair as is, a model row as (pk, name)."""
    return (item.pk, item.name) if hasattr(item, "pk") else item


def option_tags(choices: Iterable[Any], chosen: Any = None) -> SafeString:
    """`<option>` elements for `choices` ((value, label) pairs or rows with `pk` and `name`);
    those whose value, as text, is `chosen` (one value or a collection) are selected."""
    if isinstance(chosen, list | tuple | set | frozenset):
        selected = {str(value) for value in chosen}
    else:
        selected = set() if chosen is None or chosen == "" else {str(chosen)}
    parts = []
    for item in choices:
        value, label = _pair(item)
        value = str(value)
        mark = " selected" if value in selected else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(parts))  # noqa: S308 (every value and label escaped above)
