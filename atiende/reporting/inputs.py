"""The staffing targets and Erlang C inputs as they arrive from outside (query strings), checked
in one place for the API and the page (pure: no database)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from atiende.core.params import BadValue

NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?")
MAX_CONTACTS_PER_HOUR = 1_000_000
MAX_SECONDS = 24 * 3600
MAX_DEFERRED_HOURS = 168


@dataclass(frozen=True)
class Targets:
    """What the plan aims for: `service_level` of live contacts answered within `target_seconds`,
    heads lost to `shrinkage` (breaks, training, absence), deferred contacts (email) cleared
    within `deferred_hours`."""

    service_level: float = 0.8
    target_seconds: float = 20.0
    shrinkage: float = 0.3
    deferred_hours: float = 24.0


def parse_number(text: str) -> float:
    """A plain decimal number (ASCII digits, an optional point, no sign, no exponent)."""
    if not isinstance(text, str) or not NUMBER.fullmatch(text.strip()):
        raise BadValue(_("Use a number such as 12 or 0.8."))
    return float(text.strip())


def _bounded(raw: Mapping[str, str], name: str, default: float | None, check, message: str) -> float:
    text = raw.get(name)
    if text is None or text == "":
        if default is None:
            raise BadValue(_("This value is required."))
        return default
    value = parse_number(text)
    if not math.isfinite(value) or not check(value):
        raise BadValue(message)
    return value


def fields(raw: Mapping[str, str], specs: dict[str, tuple]) -> dict[str, float]:
    """Each named value checked by its spec (default, check, message); BadValue's dict of
    every field in error, so one answer names them all."""
    values, errors = {}, {}
    for name, (default, check, message) in specs.items():
        try:
            values[name] = _bounded(raw, name, default, check, message)
        except BadValue as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidFields(errors)
    return values


class InvalidFields(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def target_specs(defaults: Targets = Targets()) -> dict[str, tuple]:
    return {
        "service_level": (defaults.service_level, lambda v: 0 < v < 1,
                          _("The service level is a fraction strictly between 0 and 1, such as 0.8 for 80 %.")),
        "target_seconds": (defaults.target_seconds, lambda v: 0 <= v <= MAX_SECONDS,
                           _("The answer target is from 0 to 86400 seconds.")),
        "shrinkage": (defaults.shrinkage, lambda v: 0 <= v < 1,
                      _("Shrinkage is a fraction from 0 up to (not including) 1, such as 0.3 for 30 %.")),
    }


def erlang_specs() -> dict[str, tuple]:
    return {
        "contacts_per_hour": (None, lambda v: 0 <= v <= MAX_CONTACTS_PER_HOUR,
                              _("Contacts per hour are from 0 to 1000000.")),
        "aht_seconds": (None, lambda v: 0 < v <= MAX_SECONDS,
                        _("The average handling time is more than 0 and at most 86400 seconds.")),
        **target_specs(),
    }


def deferred_spec(defaults: Targets = Targets()) -> dict[str, tuple]:
    return {"deferred_hours": (defaults.deferred_hours, lambda v: 1 <= v <= MAX_DEFERRED_HOURS,
                               _("The email target is from 1 to 168 hours."))}


# --- the reports' filters (since, until, group_by, team) --------------------------------------------

REPORT_GROUPS = ("team", "agent", "channel", "organization", "segment", "plan", "product", "outcome")
REPORT_MAX_DAYS = 366
REPORT_DEFAULT_DAYS = 28
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReportQuery:
    first: date
    last: date
    group_by: str
    team_ids: tuple[int, ...]


def report_query(query: Mapping[str, str], *, today: date) -> ReportQuery:
    """`since` and `until` (days, both included, YYYY-MM-DD; the last 28 days to today by default),
    `group_by` (one of REPORT_GROUPS or empty) and `team` (ids, repeatable or comma-separated).
    Every field in error is named at once (InvalidFields)."""
    errors: dict[str, str] = {}
    last = _day(query.get("until"), "until", errors) or today
    first = _day(query.get("since"), "since", errors) or last - timedelta(days=REPORT_DEFAULT_DAYS - 1)
    if not errors and first > last:
        errors["since"] = _("The start must be on or before the end.")
    elif not errors and (last - first).days + 1 > REPORT_MAX_DAYS:
        errors["until"] = _("Choose at most %(days)s days.") % {"days": REPORT_MAX_DAYS}
    group_by = (query.get("group_by") or "").strip()
    if group_by and group_by not in REPORT_GROUPS:
        errors["group_by"] = _("Group by one of: %(choices)s.") % {"choices": ", ".join(REPORT_GROUPS)}
    teams = _teams(query, errors)
    if errors:
        raise InvalidFields(errors)
    return ReportQuery(first, last, group_by, teams)


def _day(raw: str | None, name: str, errors: dict[str, str]) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
        if not 1970 <= day.year <= 2999:  # the period before and the day after must exist too
            raise ValueError
        return day
    except ValueError:
        errors[name] = _("Write a date as YYYY-MM-DD, for example 2026-03-31.")
        return None


def _teams(query: Mapping[str, str], errors: dict[str, str]) -> tuple[int, ...]:
    values = query.getlist("team") if hasattr(query, "getlist") else [query.get("team") or ""]
    parts = [part.strip() for value in values for part in str(value).split(",") if part.strip()]
    if any(not part.isascii() or not part.isdigit() or len(part) > 9 for part in parts):
        errors["team"] = _("Give team ids (whole numbers).")
        return ()
    return tuple(sorted({int(part) for part in parts}))
