"""Small template filters and tags for the inbox."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from django import template
from django.utils.safestring import SafeString

from atiende.workspace.rows import rows_html
from atiende.workspace.selectors import COUNT_CAP, InboxRow

register = template.Library()


@register.filter
def get_item(mapping: Mapping, key: object) -> object:
    return mapping.get(key, 0) if mapping else 0


@register.filter
def capped(count: int) -> str:
    """A view count as shown: counting stops past COUNT_CAP."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


@register.simple_tag
def ticket_rows(rows: Iterable[InboxRow], selectable: bool = False, selected: Collection[int] | str = ()) -> SafeString:
    """The rows of a ticket table (see atiende.workspace.rows); `selected` may be missing ("")."""
    return rows_html(rows, selectable=selectable, selected=selected or ())
