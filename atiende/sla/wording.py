"""How deadlines are said to people: in their language, their time zone, with the zone named
the way people in Mexico name it ("hora del centro"), not as an IANA identifier."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

# Mexico's four official zones (Zona Centro, Pacífico, Noroeste, Sureste) and the IANA zones in them.
MEXICAN_ZONE_NAMES = {
    "America/Mexico_City": gettext_lazy("Central time"),
    "America/Monterrey": gettext_lazy("Central time"),
    "America/Merida": gettext_lazy("Central time"),
    "America/Matamoros": gettext_lazy("Central time"),
    "America/Bahia_Banderas": gettext_lazy("Central time"),
    "America/Chihuahua": gettext_lazy("Central time"),  # on Central time since the 2022 reform
    "America/Cancun": gettext_lazy("Southeast time"),
    "America/Hermosillo": gettext_lazy("Pacific time (Mexico)"),
    "America/Mazatlan": gettext_lazy("Pacific time (Mexico)"),
    "America/Tijuana": gettext_lazy("Northwest time"),
}


def zone_name(time_zone: str) -> str:
    known = MEXICAN_ZONE_NAMES.get(time_zone)
    if known is not None:
        return str(known)
    city = time_zone.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(city)s time") % {"city": city}


WEEKDAYS = (
    pgettext_lazy("in a sentence", "Monday"), pgettext_lazy("in a sentence", "Tuesday"),
    pgettext_lazy("in a sentence", "Wednesday"), pgettext_lazy("in a sentence", "Thursday"),
    pgettext_lazy("in a sentence", "Friday"), pgettext_lazy("in a sentence", "Saturday"),
    pgettext_lazy("in a sentence", "Sunday"),
)
MONTHS = (
    pgettext_lazy("in a sentence", "January"), pgettext_lazy("in a sentence", "February"),
    pgettext_lazy("in a sentence", "March"), pgettext_lazy("in a sentence", "April"),
    pgettext_lazy("in a sentence", "May"), pgettext_lazy("in a sentence", "June"),
    pgettext_lazy("in a sentence", "July"), pgettext_lazy("in a sentence", "August"),
    pgettext_lazy("in a sentence", "September"), pgettext_lazy("in a sentence", "October"),
    pgettext_lazy("in a sentence", "November"), pgettext_lazy("in a sentence", "December"),
)


def moment(instant: datetime, time_zone: str) -> str:
    """'jueves 14 de noviembre a las 10:00' / 'Thursday, November 14 at 10:00' in the active language.

    Spelled out here rather than with Django's date formats, whose Spanish day and month names
    are capitalized as for a heading, not for the middle of a sentence."""
    local = instant.astimezone(ZoneInfo(time_zone))
    return pgettext("promise date", "%(weekday)s, %(month)s %(day)s at %(time)s") % {
        "weekday": WEEKDAYS[local.weekday()], "month": MONTHS[local.month - 1], "day": local.day,
        "time": local.strftime("%H:%M"),
    }


def duration(minutes: float) -> str:
    """'2 h 10 min', '3 d 4 h', '45 min': short, for badges."""
    minutes = int(abs(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}
