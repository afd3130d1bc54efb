"""Creating, changing, pausing and deleting maintenance plans (staff), checked once here for the
API and the pages; each keeps `next_due_on` / `opens_on` right for the scheduler."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.assets.models import Asset
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.models import Customer, Organization

from .. import recurrence
from ..models import MaintenancePlan, RecurrenceUnit
from ..permissions import can_manage_plans

PLAN_FIELDS = ("name", "asset", "organization", "contact", "team", "unit", "interval", "rule", "starts_on",
               "lead_days", "checklist", "active")
MAX_NAME = 200
MAX_ITEMS = 50
MAX_ITEM = 300
MAX_LEAD_DAYS = 365
# Rule words whose message the services translate (recurrence.BadRule carries the English text).
RULE_ERRORS = {
    "Write one RRULE, such as FREQ=MONTHLY;INTERVAL=3.": lambda: _("Write one RRULE, such as FREQ=MONTHLY;INTERVAL=3."),
    "This RRULE cannot be read.": lambda: _("This RRULE cannot be read."),
    "A maintenance rule repeats daily at most.": lambda: _("A maintenance rule repeats daily at most."),
}


def company_today(now: datetime | None = None) -> date:
    """The scheduler's "today": the day in the company's time zone (settings.TIME_ZONE)."""
    return (now or clock.now()).astimezone(ZoneInfo(settings.TIME_ZONE)).date()


# --- validation ---------------------------------------------------------------------------------

def _row(model: type, raw: Any, field: str) -> Any:
    if isinstance(raw, model):
        return raw
    found = model.objects.filter(pk=raw).first() if is_id(raw) else None
    if found is None:
        raise Invalid(fields={field: _("There is nothing with this id.")})
    return found


def _whole(raw: Any, field: str, low: int, high: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise Invalid(fields={field: _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return raw


def _name(raw: Any) -> str:
    text = " ".join(raw.replace("\x00", "").split()) if isinstance(raw, str) else ""
    if not text or len(text) > MAX_NAME:
        raise Invalid(fields={"name": _("Write a name of at most %(max)s characters.") % {"max": MAX_NAME}})
    return text


def _date(raw: Any, field: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise Invalid(fields={field: _("Write a date as YYYY-MM-DD.")})


def _checklist(raw: Any) -> list[str]:
    """The ordered checklist: a list of short texts (blank lines dropped)."""
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise Invalid(fields={"checklist": _("Send a list of texts, one per item.")})
    items = [" ".join(item.replace("\x00", "").split()) for item in raw]
    items = [item for item in items if item]
    if len(items) > MAX_ITEMS or any(len(item) > MAX_ITEM for item in items):
        raise Invalid(fields={"checklist": _("At most %(items)s items of %(chars)s characters each.")
                              % {"items": MAX_ITEMS, "chars": MAX_ITEM}})
    return items


def _clean(given: dict[str, Any]) -> dict[str, Any]:
    cleaners = {
        "name": _name,
        "asset": lambda v: None if v is None else _row(Asset, v, "asset"),
        "organization": lambda v: None if v is None else _row(Organization, v, "organization"),
        "contact": lambda v: None if v is None else _row(Customer, v, "contact"),
        "team": lambda v: _row(Team, v, "team"),
        "unit": lambda v: v if v in RecurrenceUnit.values else _bad_unit(),
        "interval": lambda v: _whole(v, "interval", 1, recurrence.MAX_INTERVAL),
        "rule": lambda v: v.strip() if isinstance(v, str) else _bad_rule(),
        "starts_on": lambda v: _date(v, "starts_on"),
        "lead_days": lambda v: _whole(v, "lead_days", 0, MAX_LEAD_DAYS),
        "checklist": _checklist,
        "active": lambda v: v if isinstance(v, bool) else _bad_flag(),
    }
    unknown = set(given) - set(cleaners)
    if unknown:
        raise Invalid(fields={key: _("Unknown field.") for key in sorted(unknown)})
    return {key: cleaners[key](value) for key, value in given.items()}


def _bad_unit() -> str:
    raise Invalid(fields={"unit": _("Choose one of: %(choices)s.") % {"choices": ", ".join(RecurrenceUnit.values)}})


def _bad_rule() -> str:
    raise Invalid(fields={"rule": _("Send text.")})


def _bad_flag() -> bool:
    raise Invalid(fields={"active": _("Send true or false.")})


def _check_plan(plan: MaintenancePlan) -> None:
    """The whole plan, once its fields are set: one owner, a readable rule, a contact who is the
    owner's."""
    if (plan.asset_id is None) == (plan.organization_id is None):
        raise Invalid(fields={"asset": _("A plan covers one asset or one organization (one of the two).")})
    if plan.unit == RecurrenceUnit.RRULE:
        try:
            recurrence.parse_rule(plan.rule, plan.starts_on)
        except recurrence.BadRule as exc:
            raise Invalid(fields={"rule": RULE_ERRORS[exc.args[0]]()}) from None
    elif plan.rule:
        plan.rule = ""  # a rule only counts for the RRULE unit
    if plan.contact_id is not None and not _owns(plan, plan.contact):
        raise Invalid(fields={"contact": _("The contact must be the asset's owner or of its organization.")})
    if plan_contact(plan) is None:
        raise Invalid(fields={"contact": _("Nobody can be told about this plan's visits: choose a contact.")})


def _owner_organization(plan: MaintenancePlan) -> int | None:
    if plan.organization_id is not None:
        return plan.organization_id
    asset = plan.asset
    return asset.organization_id if asset.organization_id is not None else (
        asset.customer.organization_id if asset.customer else None)


def _owns(plan: MaintenancePlan, contact: Customer) -> bool:
    if contact.merged_into_id is not None:
        return False
    if plan.asset_id is not None and plan.asset.customer_id == contact.pk:
        return True
    organization = _owner_organization(plan)
    return organization is not None and contact.organization_id == organization and (
        plan.asset_id is None or plan.asset.customer_id is None or contact.is_organization_admin)


def plan_contact(plan: MaintenancePlan) -> Customer | None:
    """Who is told and is the visits' requester: the plan's contact, else the asset's owner, else
    the organization's first admin (then its first person)."""
    if plan.contact_id is not None:
        return plan.contact
    if plan.asset_id is not None and plan.asset.customer_id is not None:
        return plan.asset.customer
    organization = _owner_organization(plan)
    if organization is None:
        return None
    people = Customer.objects.filter(organization_id=organization, merged_into__isnull=True)
    return people.order_by("-is_organization_admin", "id").first()


def schedule_next(plan: MaintenancePlan) -> None:
    """Set the next visit not opened yet, the first from today on (after the last visit opened,
    which is never opened again), and the day its work opens."""
    start = company_today()
    latest = plan.visits.order_by("-due_on").values_list("due_on", flat=True).first() if plan.pk else None
    if latest is not None:
        start = max(start, latest + timedelta(days=1))
    plan.next_due_on = recurrence.next_on_or_after(plan.recurrence, start)
    plan.opens_on = plan.next_due_on - timedelta(days=plan.lead_days) if plan.next_due_on else None


# --- writes -------------------------------------------------------------------------------------

def plan_create(*, actor: User, **given: Any) -> MaintenancePlan:
    if not can_manage_plans(actor):
        raise Forbidden()
    missing = [key for key in ("name", "team", "starts_on") if key not in given]
    if missing:
        raise Invalid(fields={key: _("This field is required.") for key in missing})
    plan = MaintenancePlan(created_by=actor, **_clean(given))
    _check_plan(plan)
    schedule_next(plan)
    plan.save()
    return plan


RESCHEDULING = {"unit", "interval", "rule", "starts_on", "lead_days", "active"}


@transaction.atomic
def plan_update(*, actor: User, plan: MaintenancePlan, changes: dict[str, Any]) -> MaintenancePlan:
    """Change a plan; a new recurrence, lead time or a resumed plan counts from today (visits
    already opened are kept and never opened again)."""
    if not can_manage_plans(actor):
        raise Forbidden()
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    fields = _clean(changes)
    for key, value in fields.items():
        setattr(plan, key, value)
    _check_plan(plan)
    if RESCHEDULING & set(fields):
        schedule_next(plan)
    plan.updated_at = clock.now()
    plan.save()
    return plan


def plan_delete(*, actor: User, plan: MaintenancePlan) -> None:
    """Delete a plan with its visits' records; their tickets stay."""
    if not can_manage_plans(actor):
        raise Forbidden()
    plan.delete()
