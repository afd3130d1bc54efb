"""The form renderer: Django's, with `<input>` elements built in Python.

Django renders every widget through two templates (the input and its attributes). A ticket page
has some twenty inputs (the properties panel carries each value twice, as a hidden copy), which
cost it about 3 ms; built directly, the same markup costs a tenth of that. Every other widget
(selects, text areas, radio lists) still renders through its template.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Django's templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search",
        "tel", "text", "time", "url",
    )
)


def input_html(widget: dict[str, Any]) -> SafeString:
    """What django/forms/widgets/input.html makes of a widget's context, attribute by attribute:
    `False` leaves an attribute out, `True` writes its name alone, anything else its value, escaped
    as the template would (already-safe strings as they are)."""
    parts = [f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{conditional_escape(str(widget["value"]))}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    parts.append(">")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


class FastInputRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        return super().render(template_name, context, request)
