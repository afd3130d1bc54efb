"""`{% timeline_items items number copy %}`: a ticket's timeline items (see atiende.tickets.timeline_html)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from atiende.tickets.selectors import TimelineItem
from atiende.tickets.timeline_html import timeline_items_html

register = template.Library()


@register.simple_tag
def timeline_items(items: Iterable[TimelineItem], number: int, copy: bool = False) -> SafeString:
    return timeline_items_html(items, number=number, copy=copy)
