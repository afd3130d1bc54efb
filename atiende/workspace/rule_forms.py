"""The rule editor's form: plain fields and two JSON boxes, read into the values the automation
services check (they name each bad spot, "conditions.all[0].op"; a box that is not JSON at all is
named here)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from atiende.automation.models import TimeRule, Trigger
from atiende.core.params import is_id_text

JSON_FIELDS = ("conditions", "actions")


def rule_values(model: type[Trigger] | type[TimeRule], data: QueryDict) -> tuple[dict[str, Any], dict[str, str]]:
    """(values for rule_create/rule_update, errors of this form's own reading)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": data.get("name", ""), "active": data.get("active") == "on"}
    position = data.get("position", "0").strip() or "0"
    if re.fullmatch(r"-?[0-9]{1,7}", position):
        values["position"] = max(-1_000_000, min(1_000_000, int(position)))
    else:
        errors["position"] = _("Give a whole number.")
    for field in JSON_FIELDS:
        text = data.get(field, "").strip() or ("{}" if field == "conditions" else "[]")
        try:
            values[field] = json.loads(text)
        except ValueError as error:
            errors[field] = _("Not valid JSON (line %(line)s, column %(column)s).") % {
                "line": getattr(error, "lineno", 1), "column": getattr(error, "colno", 1)}
    if model is Trigger:
        values["event"] = data.get("event", "")
        values["stop_processing"] = data.get("stop_processing") == "on"
    else:
        values.update(status=data.get("status", ""), since=data.get("since", "updated"))
        minutes = data.get("after_minutes", "").strip()
        # ASCII digits only: "²".isdigit() is true and int("²") raises.
        values["after_minutes"] = int(minutes) if re.fullmatch(r"[0-9]{1,9}", minutes) else None
        values["calendar"] = _calendar(data.get("calendar", ""), errors)
    return values, errors


def _calendar(raw: str, errors: dict[str, str]) -> Any:
    from atiende.sla.models import Calendar

    if not raw:
        return None
    calendar = Calendar.objects.filter(pk=int(raw)).first() if is_id_text(raw) else None
    if calendar is None:
        errors["calendar"] = _("Unknown calendar.")
    return calendar


def as_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
