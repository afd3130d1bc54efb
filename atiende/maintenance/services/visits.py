"""The scheduler's pass and the visit checklist.

The pass opens each visit exactly once: the visit row is inserted before anything else, under a
unique constraint (plan, due_on), so a second pass — or one running at the same moment on another
worker — fails to insert it and opens nothing; on PostgreSQL the plan row is also locked with
SKIP LOCKED, so concurrent passes share the work instead of waiting. A pass after downtime
catches up: every visit not yet due opens; of the visits already overdue, only the latest opens
(the work is done once), naming the earlier ones it stands for (decision 0034)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.services import system_actor
from atiende.assets.services import asset_link_on_create
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.tickets.models import Channel, TicketType
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.services import ticket_create
from atiende.tickets.services.deliveries import delivery_queue

from .. import recurrence, wording
from ..models import MaintenancePlan, MaintenanceVisit, VisitStatus
from .plans import company_today, plan_contact

MAX_MISSED_KEPT = 100
logger = logging.getLogger(__name__)


def maintenance_pass(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Open the visits whose work opens by today (company time zone); returns how many opened.
    Safe to run twice, even at once."""
    today = company_today(now)
    due = (MaintenancePlan.objects.filter(active=True, opens_on__lte=today).order_by("opens_on", "id")
           .values_list("pk", flat=True)[:limit])
    opened = 0
    for pk in list(due):
        try:
            opened += _plan_pass(pk, today)
        except Exception:  # one broken plan (its contact gone) must not hold back the others
            logger.exception("Maintenance plan %s could not open its visit", pk)
    return opened


def _plan_pass(plan_id: int, today: date) -> int:
    with transaction.atomic():
        plan = (MaintenancePlan.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("asset__product", "asset__customer", "organization", "team", "contact")
                .filter(pk=plan_id, active=True, opens_on__lte=today).first())
        if plan is None:  # another pass holds it or has done it
            return 0
        days = recurrence.between(plan.recurrence, plan.next_due_on, today + timedelta(days=plan.lead_days))
        overdue = [day for day in days if day < today]
        opening = overdue[-1:] + [day for day in days if day >= today]
        opened = sum(_open_visit(plan, day, missed=overdue[:-1] if day in overdue else []) for day in opening)
        last = days[-1] if days else plan.next_due_on
        plan.next_due_on = recurrence.next_on_or_after(plan.recurrence, last + timedelta(days=1))
        plan.opens_on = plan.next_due_on - timedelta(days=plan.lead_days) if plan.next_due_on else None
        plan.save(update_fields=["next_due_on", "opens_on"])
    return opened


def _open_visit(plan: MaintenancePlan, due_on: date, *, missed: list[date]) -> bool:
    """Claim the visit (the unique row), then open its ticket and tell the customer, in the
    pass's transaction: if anything fails, nothing of it stays and the next pass tries again."""
    checklist = [{"text": text, "done": False} for text in plan.checklist]
    try:
        with transaction.atomic():
            visit = MaintenanceVisit.objects.create(
                plan=plan, due_on=due_on, checklist=checklist,
                missed=[day.isoformat() for day in missed[-MAX_MISSED_KEPT:]], opened_at=clock.now())
    except IntegrityError:
        return False  # opened already, by an earlier or a concurrent pass
    contact = plan_contact(plan)
    if contact is None:  # the organization lost its people: the team still gets the work
        raise Invalid(fields={"contact": _("Nobody can be told about this plan's visits: choose a contact.")})
    actor = system_actor("maintenance")
    attach = (lambda ticket: asset_link_on_create(ticket=ticket, asset=plan.asset, actor=actor)) if plan.asset_id else None
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        ticket = ticket_create(actor=actor, requester=contact, subject=wording.visit_subject(plan, due_on),
                               body=wording.visit_notice(plan, due_on, missed=len(missed)),
                               channel=Channel.INTERNAL, team=plan.team, type=TicketType.TASK, attach=attach)
    # The first message is the notice: the ticket's channel (email) sends it to the customer.
    delivery_queue(ticket.messages.order_by("id").first())
    visit.ticket = ticket
    visit.save(update_fields=["ticket"])
    return True


# --- the checklist on the ticket ----------------------------------------------------------------

def _locked(actor: User, visit: MaintenanceVisit) -> MaintenanceVisit:
    visit = MaintenanceVisit.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=visit.pk)
    if visit.ticket is None or not can_edit_ticket(actor, visit.ticket):
        raise Forbidden()
    if visit.status == VisitStatus.COMPLETED:
        raise Conflict(_("This maintenance was completed; its checklist is kept as it was."), code="visit_completed")
    return visit


@transaction.atomic
def visit_item_set(*, actor: User, visit: MaintenanceVisit, index: Any, done: Any) -> MaintenanceVisit:
    """Tick (or untick) item `index` of the visit's checklist."""
    visit = _locked(actor, visit)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(visit.checklist):
        raise Invalid(fields={"item": _("There is no such item on the checklist.")})
    if not isinstance(done, bool):
        raise Invalid(fields={"done": _("Send true or false.")})
    item = {"text": visit.checklist[index]["text"], "done": done}
    if done:
        item.update(by=actor.pk, at=clock.now().isoformat())
    visit.checklist = [*visit.checklist[:index], item, *visit.checklist[index + 1:]]
    visit.save(update_fields=["checklist"])
    return visit


@transaction.atomic
def visit_complete(*, actor: User, visit: MaintenanceVisit) -> MaintenanceVisit:
    """Complete the visit: its checklist is kept as ticked (items left unticked show as not
    done on the asset's history)."""
    visit = _locked(actor, visit)
    visit.status, visit.completed_at, visit.completed_by = VisitStatus.COMPLETED, clock.now(), actor
    visit.save(update_fields=["status", "completed_at", "completed_by"])
    return visit
