"""Small template filters for the inbox."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from atiende.workspace.selectors import COUNT_CAP

register = template.Library()


@register.filter
def get_item(mapping: Mapping, key: object) -> object:
    return mapping.get(key, 0) if mapping else 0


@register.filter
def capped(count: int) -> str:
    """A view count as shown: counting stops past COUNT_CAP."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
