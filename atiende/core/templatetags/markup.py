"""`{% options choices chosen %}`: a select's options in one step (see atiende.core.markup)."""

from __future__ import annotations

from django import template

from atiende.core.markup import option_tags

register = template.Library()
register.simple_tag(option_tags, name="options")
