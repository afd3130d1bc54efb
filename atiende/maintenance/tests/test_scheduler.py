"""The scheduler's pass: it opens each visit once as a ticket for the plan's team, tells the
customer, catches up after downtime (every visit not yet due; of the overdue ones only the
latest), and keeps the checklist on the asset's history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from atiende.assets.models import AssetLink
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.maintenance.models import MaintenancePlan, MaintenanceVisit, VisitStatus
from atiende.maintenance.selectors import visits_of_asset
from atiende.maintenance.services import (
    maintenance_pass,
    plan_update,
    visit_complete,
    visit_item_set,
)
from atiende.tickets.models import Ticket

from .helpers import CHECKLIST, at, modem, plan


@pytest.fixture
def weekly(world):
    with clock.frozen_at(at(2026, 12, 20)):
        return plan(world, modem(world))


def run(when: datetime, captured) -> int:
    with clock.frozen_at(when), captured(execute=True):
        return maintenance_pass()


def test_nothing_opens_before_the_lead_time_then_one_ticket_for_the_team(world, weekly, django_capture_on_commit_callbacks):
    assert (weekly.next_due_on, weekly.opens_on) == (date(2027, 1, 4), date(2027, 1, 1))
    assert run(at(2026, 12, 31), django_capture_on_commit_callbacks) == 0
    assert run(at(2027, 1, 1), django_capture_on_commit_callbacks) == 1
    visit = MaintenanceVisit.objects.get()
    ticket = visit.ticket
    assert (visit.due_on, ticket.team, ticket.requester, ticket.type, ticket.status) == (
        date(2027, 1, 4), world.team1, world.customer_a, "task", "new")
    assert ticket.subject == "Preventive maintenance: Módem 4G · SN-A1, Jan. 4, 2027"
    assert [item["text"] for item in visit.checklist] == CHECKLIST
    assert AssetLink.objects.filter(ticket=ticket, asset=weekly.asset).exists()
    # The customer is told, in plain words, by email.
    assert [m.to for m in mail.outbox] == [["ana@tienda-a.mx"]]
    assert "The preventive maintenance of Módem 4G · SN-A1 is due on Jan. 4, 2027" in mail.outbox[0].body
    weekly.refresh_from_db()
    assert (weekly.next_due_on, weekly.opens_on) == (date(2027, 1, 11), date(2027, 1, 8))


def test_a_second_pass_the_same_day_opens_nothing(world, weekly, django_capture_on_commit_callbacks):
    assert run(at(2027, 1, 1), django_capture_on_commit_callbacks) == 1
    assert run(at(2027, 1, 1, 23), django_capture_on_commit_callbacks) == 0
    assert Ticket.objects.filter(subject__startswith="Preventive").count() == 1
    assert len(mail.outbox) == 1


def test_the_unique_constraint_refuses_a_second_visit_for_the_same_day(world, weekly, django_capture_on_commit_callbacks):
    run(at(2027, 1, 1), django_capture_on_commit_callbacks)
    # Even a pass that lost track of its plan's progress cannot open the day again.
    MaintenancePlan.objects.filter(pk=weekly.pk).update(next_due_on=date(2027, 1, 4), opens_on=date(2027, 1, 1))
    assert run(at(2027, 1, 1), django_capture_on_commit_callbacks) == 0
    assert MaintenanceVisit.objects.count() == 1 and len(mail.outbox) == 1


def test_catch_up_after_three_weeks_down_opens_the_latest_overdue_and_the_upcoming(world, weekly, django_capture_on_commit_callbacks):
    # Down from 31 December to 26 January: visits of 4, 11, 18 and 25 January are overdue; the
    # lead time (3 days) reaches 29 January, not 1 February.
    assert run(at(2027, 1, 26), django_capture_on_commit_callbacks) == 1
    visit = MaintenanceVisit.objects.get()
    assert (visit.due_on, visit.missed) == (date(2027, 1, 25), ["2027-01-04", "2027-01-11", "2027-01-18"])
    assert "also covers the earlier ones" in visit.ticket.messages.get().body_text
    weekly.refresh_from_db()
    assert (weekly.next_due_on, weekly.opens_on) == (date(2027, 2, 1), date(2027, 1, 29))
    assert run(at(2027, 1, 27), django_capture_on_commit_callbacks) == 0
    assert run(at(2027, 1, 29), django_capture_on_commit_callbacks) == 1
    assert list(MaintenanceVisit.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        date(2027, 1, 25), date(2027, 2, 1)]


def test_catch_up_opens_every_visit_not_yet_due_within_the_lead_time(world, django_capture_on_commit_callbacks):
    with clock.frozen_at(at(2026, 12, 20)):
        daily = plan(world, modem(world), unit="day", lead_days=2, checklist=[], starts_on=date(2027, 1, 1))
    # Down until 5 January: 1–4 January overdue (only the 4th opens), 5, 6 and 7 upcoming.
    assert run(at(2027, 1, 5), django_capture_on_commit_callbacks) == 4
    assert list(MaintenanceVisit.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6), date(2027, 1, 7)]
    assert MaintenanceVisit.objects.get(due_on=date(2027, 1, 4)).missed == ["2027-01-01", "2027-01-02", "2027-01-03"]
    daily.refresh_from_db()
    assert daily.next_due_on == date(2027, 1, 8)


def test_the_day_is_the_company_s_across_a_daylight_saving_change(world, settings, django_capture_on_commit_callbacks):
    settings.TIME_ZONE = "America/New_York"  # 14 March 2027: clocks go from 02:00 EST to 03:00 EDT
    with clock.frozen_at(at(2027, 3, 1)):
        plan(world, modem(world), starts_on=date(2027, 3, 17), lead_days=3, unit="rrule", rule="FREQ=YEARLY;COUNT=1")
    # 04:30 UTC is still 13 March (23:30 EST); 05:30 UTC is 00:30 of the 14th.
    assert run(datetime(2027, 3, 14, 4, 30, tzinfo=UTC), django_capture_on_commit_callbacks) == 0
    assert run(datetime(2027, 3, 14, 5, 30, tzinfo=UTC), django_capture_on_commit_callbacks) == 1
    # Falling back, 7 November has 25 hours: 04:30 UTC is 00:30 EDT of the 7th; the visit of the
    # 10th opens then, once, through the repeated hour.
    with clock.frozen_at(at(2027, 11, 1)):
        plan(world, modem(world, identifier="SN-A2"), name="Otoño", starts_on=date(2027, 11, 10), lead_days=3)
    assert run(datetime(2027, 11, 7, 3, 30, tzinfo=UTC), django_capture_on_commit_callbacks) == 0
    assert run(datetime(2027, 11, 7, 4, 30, tzinfo=UTC), django_capture_on_commit_callbacks) == 1
    assert run(datetime(2027, 11, 7, 6, 30, tzinfo=UTC), django_capture_on_commit_callbacks) == 0


def test_a_paused_plan_opens_nothing_and_resumes_from_today(world, weekly, django_capture_on_commit_callbacks):
    with clock.frozen_at(at(2026, 12, 30)):
        plan_update(actor=world.admin, plan=weekly, changes={"active": False})
    assert run(at(2027, 1, 20), django_capture_on_commit_callbacks) == 0
    with clock.frozen_at(at(2027, 1, 20)):
        resumed = plan_update(actor=world.admin, plan=weekly, changes={"active": True})
    assert (resumed.next_due_on, resumed.opens_on) == (date(2027, 1, 25), date(2027, 1, 22))
    assert run(at(2027, 1, 21), django_capture_on_commit_callbacks) == 0
    assert run(at(2027, 1, 22), django_capture_on_commit_callbacks) == 1


def test_organization_plan_tells_the_organization_admin(world, django_capture_on_commit_callbacks):
    with clock.frozen_at(at(2026, 12, 20)):
        plan(world, None, organization=world.org_a, name="Revisión de red", unit="month", starts_on=date(2027, 1, 31))
    run(at(2027, 1, 28), django_capture_on_commit_callbacks)
    visit = MaintenanceVisit.objects.get()
    assert (visit.due_on, visit.ticket.requester) == (date(2027, 1, 31), world.org_admin_a)
    assert [m.to for m in mail.outbox] == [["olga@tienda-a.mx"]]


def test_checklist_is_ticked_completed_and_kept_on_the_asset_history(world, weekly, django_capture_on_commit_callbacks):
    run(at(2027, 1, 1), django_capture_on_commit_callbacks)
    visit = MaintenanceVisit.objects.get()
    with pytest.raises(Forbidden):  # team 2's agent may not change team 1's ticket
        visit_item_set(actor=world.agent2, visit=visit, index=0, done=True)
    with pytest.raises(Invalid):
        visit_item_set(actor=world.agent1, visit=visit, index=3, done=True)
    visit_item_set(actor=world.agent1, visit=visit, index=0, done=True)
    visit_item_set(actor=world.agent1, visit=visit, index=2, done=True)
    visit_item_set(actor=world.agent1, visit=visit, index=2, done=False)
    visit = visit_complete(actor=world.agent1, visit=visit)
    assert [item["done"] for item in visit.checklist] == [True, False, False]
    assert visit.checklist[0]["by"] == world.agent1.pk
    with pytest.raises(Conflict):
        visit_item_set(actor=world.agent1, visit=visit, index=1, done=True)
    history = visits_of_asset(user=world.agent1, asset=weekly.asset)
    assert [(v.pk, v.status) for v in history] == [(visit.pk, VisitStatus.COMPLETED)]
    assert visits_of_asset(user=world.customer_a.user, asset=weekly.asset)[0].pk == visit.pk
    assert visits_of_asset(user=world.customer_b.user, asset=weekly.asset) == []
