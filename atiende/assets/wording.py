"""Coverage in words, as the ticket, the customer page and the portal show it
("En garantía hasta el 12 de marzo de 2027 · extendida")."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .coverage import Coverage


def long_date(day: date) -> str:
    """"12 de marzo de 2027" / "March 12, 2027". Django's Spanish month names are capitalised;
    Spanish writes them in lower case, and nothing else in this format has capitals."""
    text = date_format(day, "DATE_FORMAT")
    return text.lower() if (get_language() or "").startswith("es") else text


def coverage_label(found: Coverage) -> str:
    if found.covered and found.until is not None:
        if found.extended:
            return _("In warranty until %(date)s · extended") % {"date": long_date(found.until)}
        return _("In warranty until %(date)s") % {"date": long_date(found.until)}
    if found.ended_on is not None:
        return _("Warranty ended on %(date)s") % {"date": long_date(found.ended_on)}
    return _("No warranty in force")
