"""`{% options choices chosen %}`: a select's options in one step (see atiende.core.options)."""

from __future__ import annotations

from django import template

from atiende.core.options import option_tags

register = template.Library()
register.simple_tag(option_tags, name="options")
