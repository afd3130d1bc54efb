from decimal import Decimal

from django import template

from atiende.credits.wording import money as _money

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """"$1,234.50 MXN" in the viewer's language."""
    return _money(amount)
