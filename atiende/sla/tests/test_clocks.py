"""SLA clocks follow the conversation: hand-computed deadlines on the CDMX office calendar.

Office hours are Monday to Friday 09:00–14:00 and 15:00–18:00 (eight hours, lunch at 14:00) in
America/Mexico_City (UTC-6, no DST since 2022) with Mexican holidays; Monday 16 November 2026
is Revolution Day.
"""

from datetime import datetime

import pytest

from atiende.core.clock import frozen_at
from atiende.sla.models import Clock, ClockState, Metric, Result
from atiende.sla.services.policies import policy_create, policy_update
from atiende.sla.tests.conftest import cdmx
from atiende.tickets.models import TicketEvent
from atiende.tickets.services import message_create, ticket_create, ticket_merge, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(world, office):
    return policy_create(
        actor=world.admin, name="Estándar", position=10,
        targets={
            "first_response": {"minutes": 60, "calendar": office.pk},
            "next_response": {"minutes": 120, "calendar": office.pk},
            "resolution": {"minutes": 16 * 60, "calendar": office.pk},
        },
    )


def new_ticket(world, *, at: datetime, **extra):
    with frozen_at(at):
        return ticket_create(actor=world.agent1, subject="Mi dominio no resuelve", body="Desde ayer",
                             requester=world.customer_a, team=world.team1, **extra)


def clock_of(ticket, metric: str) -> Clock:
    return Clock.objects.filter(ticket=ticket, metric=metric).order_by("-id").first()


def reply(world, ticket, *, at: datetime, by=None, internal=False):
    with frozen_at(at):
        return message_create(actor=by or world.agent1, ticket=ticket, body="Respuesta", internal=internal)


def test_friday_1755_ticket_is_due_tuesday_after_the_holiday_monday(world, standard):
    ticket = new_ticket(world, at=cdmx(13, 17, 55))
    first = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert first.due_at == cdmx(17, 9, 55)  # 5 min on Friday, Monday is a holiday, 55 min on Tuesday
    assert first.warn_at == cdmx(17, 9, 40)  # 75 % of 60 minutes
    assert clock_of(ticket, Metric.RESOLUTION).due_at == cdmx(18, 17, 55)
    ticket.refresh_from_db()
    assert (ticket.sla_policy, ticket.sla_due_at, ticket.sla_paused) == (standard, cdmx(17, 9, 55), False)


def test_agent_reply_meets_first_response_and_records_business_minutes(world, standard):
    ticket = new_ticket(world, at=cdmx(13, 17, 55))
    reply(world, ticket, at=cdmx(17, 9, 30))
    first = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert (first.state, first.result, first.business_minutes) == (ClockState.STOPPED, Result.MET, 35)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == cdmx(18, 17, 55)  # now the resolution deadline is the nearest


def test_late_reply_is_breached_and_internal_notes_do_not_count(world, standard):
    ticket = new_ticket(world, at=cdmx(17, 10, 0))
    reply(world, ticket, at=cdmx(17, 10, 30), internal=True)
    assert clock_of(ticket, Metric.FIRST_RESPONSE).state == ClockState.RUNNING
    reply(world, ticket, at=cdmx(17, 11, 15))
    first = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert (first.result, first.business_minutes, first.breached_at) == (Result.BREACHED, 75, cdmx(17, 11, 0))


def test_pending_customer_pauses_and_their_reply_resumes_and_starts_next_response(world, standard):
    ticket = new_ticket(world, at=cdmx(17, 9, 0))
    reply(world, ticket, at=cdmx(17, 9, 20))
    with frozen_at(cdmx(17, 9, 21)):
        ticket_update(actor=world.agent1, ticket=ticket, changes={"status": "pending_customer"})
    resolution = clock_of(ticket, Metric.RESOLUTION)
    assert (resolution.state, resolution.elapsed_minutes, resolution.due_at) == (ClockState.PAUSED, 21, None)
    ticket.refresh_from_db()
    assert ticket.sla_paused and ticket.sla_due_at is None
    # The customer answers the next morning; the 21 minutes used are kept.
    reply(world, ticket, at=cdmx(18, 10, 0), by=world.customer_a.user)
    ticket.refresh_from_db()
    assert ticket.status == "open"
    resolution.refresh_from_db()
    assert resolution.state == ClockState.RUNNING
    assert resolution.due_at == cdmx(20, 9, 39)  # 939 minutes left: 7 h today, 8 h Thursday, 39 min Friday
    following = clock_of(ticket, Metric.NEXT_RESPONSE)
    assert (following.state, following.due_at) == (ClockState.RUNNING, cdmx(18, 12, 0))
    assert ticket.sla_due_at == cdmx(18, 12, 0)


def test_customer_follow_up_before_any_agent_reply_starts_no_next_response(world, standard):
    ticket = new_ticket(world, at=cdmx(17, 9, 0))
    reply(world, ticket, at=cdmx(17, 9, 5), by=world.customer_a.user)
    assert not Clock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()


def test_solving_stops_resolution_and_reopening_resumes_it(world, standard):
    ticket = new_ticket(world, at=cdmx(17, 9, 0))
    reply(world, ticket, at=cdmx(17, 9, 10))
    with frozen_at(cdmx(17, 11, 0)):
        ticket_update(actor=world.agent1, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
    resolution = clock_of(ticket, Metric.RESOLUTION)
    assert (resolution.state, resolution.result, resolution.business_minutes) == (ClockState.STOPPED, Result.MET, 120)
    with frozen_at(cdmx(18, 9, 0)):
        ticket_update(actor=world.customer_a.user, ticket=ticket, changes={"status": "open"})
    resolution.refresh_from_db()
    assert (resolution.state, resolution.result) == (ClockState.RUNNING, "")
    assert resolution.due_at == cdmx(19, 16, 0)  # 840 minutes left: 8 h Wednesday, 6 h Thursday


def test_merged_ticket_clocks_no_longer_apply(world, standard):
    ticket = new_ticket(world, at=cdmx(17, 9, 0))
    with frozen_at(cdmx(17, 9, 30)):
        ticket_merge(actor=world.agent1, source=ticket, target=world.ticket_a)
    assert set(Clock.objects.filter(ticket=ticket).values_list("result", flat=True)) == {Result.CANCELLED}
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and not ticket.sla_paused


def test_raising_priority_moves_to_the_urgent_policy_and_says_why(world, standard, always):
    urgent = policy_create(actor=world.admin, name="Urgente 24/7", position=1, conditions={"priorities": ["urgent"]},
                           targets={"first_response": {"minutes": 30, "calendar": always.pk}})
    ticket = new_ticket(world, at=cdmx(13, 17, 55))
    with frozen_at(cdmx(13, 18, 5)):  # ten minutes later, after hours
        ticket_update(actor=world.agent1, ticket=ticket, changes={"priority": "urgent"})
    first = clock_of(ticket, Metric.FIRST_RESPONSE)
    # 5 business minutes were used on the office calendar; 25 remain, now counted 24/7.
    assert (first.policy, first.target_minutes, first.elapsed_minutes) == (urgent, 30, 5)
    assert first.due_at == cdmx(13, 18, 30)
    assert clock_of(ticket, Metric.RESOLUTION).result == Result.CANCELLED  # the urgent policy has no such target
    event = TicketEvent.objects.get(ticket=ticket, field="sla_policy")
    assert (event.old_value, event.new_value, event.note, event.actor) == (
        f"{standard.pk}:Estándar", f"{urgent.pk}:Urgente 24/7", "priority", world.agent1
    )


def test_conditions_position_and_inactive_policies(world, office, always, django_capture_on_commit_callbacks):
    from atiende.customers.models import SupportPlan
    from atiende.customers.services import organization_update

    premium = SupportPlan.objects.create(name="Premium")
    policy_create(actor=world.admin, name="Premium", position=5, conditions={"support_plans": [premium.pk]},
                  targets={"first_response": {"minutes": 15, "calendar": always.pk}})
    email_only = policy_create(actor=world.admin, name="Correo", position=7, conditions={"channels": ["email"]},
                               targets={"first_response": {"minutes": 240, "calendar": office.pk}})
    catch_all = policy_create(actor=world.admin, name="General", position=9,
                              targets={"first_response": {"minutes": 480, "calendar": office.pk}})
    ticket = new_ticket(world, at=cdmx(17, 9, 0), channel="email")
    ticket.refresh_from_db()
    assert ticket.sla_policy == email_only
    with django_capture_on_commit_callbacks(execute=True):
        policy_update(actor=world.admin, policy=email_only, changes={"active": False})
    ticket.refresh_from_db()
    assert ticket.sla_policy == catch_all  # policy changes re-evaluate open tickets
    with frozen_at(cdmx(17, 9, 30)), django_capture_on_commit_callbacks(execute=True):
        organization_update(actor=world.admin, organization=world.org_a, changes={"support_plan": premium})
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Premium"
    assert list(TicketEvent.objects.filter(ticket=ticket, field="sla_policy").order_by("id").values_list("note", flat=True)) == [
        "policy", "plan"
    ]


def test_a_ticket_no_policy_matches_has_no_clock(world, office):
    policy_create(actor=world.admin, name="Solo empresas", conditions={"segments": ["enterprise"]},
                  targets={"first_response": {"minutes": 60, "calendar": office.pk}})
    ticket = new_ticket(world, at=cdmx(17, 9, 0))
    assert not Clock.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.sla_policy is None and ticket.sla_due_at is None
