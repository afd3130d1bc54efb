"""The words of a call's summary, as the timeline shows it (pure: no database)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_words(seconds: int) -> str:
    """'3 min 05 s', '45 s'."""
    minutes, rest = divmod(max(int(seconds), 0), 60)
    if minutes:
        return _("%(minutes)s min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}
    return ngettext("%(seconds)s second", "%(seconds)s seconds", rest) % {"seconds": rest}


def call_summary(*, direction: str, outcome_label: str, seconds: int, notes: str, answered: bool) -> str:
    """'Incoming call, answered, 3 min 05 s.' and the notes below it, in the active language."""
    if direction == "outbound":
        head = _("Outgoing call: %(outcome)s") % {"outcome": outcome_label}
    else:
        head = _("Incoming call: %(outcome)s") % {"outcome": outcome_label}
    if answered and seconds:
        head = _("%(call)s, %(duration)s.") % {"call": head, "duration": duration_words(seconds)}
    else:
        head = _("%(call)s.") % {"call": head}
    notes = (notes or "").strip()
    return f"{head}\n\n{notes}" if notes else head
