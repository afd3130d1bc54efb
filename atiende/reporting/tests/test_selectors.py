"""Staffing reads against the database: arrivals by local hour, handling time, the week's plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from atiende.calls.services import call_log
from atiende.core import clock
from atiende.core.exceptions import Forbidden
from atiende.reporting import erlang
from atiende.reporting.inputs import Targets
from atiende.reporting.selectors import (
    DEFAULT_AHT,
    arrivals_by_hour,
    handling_times,
    staffing_plan,
)
from atiende.tickets.models import Message
from atiende.tickets.services import ticket_create

from .history import plant

MEXICO = ZoneInfo("America/Mexico_City")
# Wednesday 2 December 2026, noon in Mexico City: this week began Monday 30 November; the plan is
# for the week of Monday 7 December; the history is the 8 weeks from Monday 5 October.
NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
HISTORY_START = datetime(2026, 10, 5, tzinfo=MEXICO)


def test_arrivals_are_counted_by_the_calendars_local_hour(world):
    with clock.frozen_at(datetime(2026, 10, 5, 15, 30, tzinfo=UTC)):  # Monday 09:30 in Mexico City
        ticket_create(actor=world.customer_a.user, subject="Hola", body="¿Me ayudan?")
    plant(world.customer_a, [(datetime(2026, 10, 6, 5, 59, tzinfo=UTC), "chat"),  # Monday 23:59 local
                             (datetime(2026, 10, 12, 6, 0, tzinfo=UTC), "chat"),  # Monday 12 Oct 00:00 local
                             (datetime(2026, 10, 12, 6, 5, tzinfo=UTC), "internal")])  # not demand

    counts = arrivals_by_hour(start=HISTORY_START, weeks=2, zone=MEXICO)

    assert set(counts) == {"api", "chat"}  # ticket_create without a channel: the API
    assert [i for i, n in enumerate(counts["api"]) if n] == [9]
    assert {i: n for i, n in enumerate(counts["chat"]) if n} == {23: 1.0, 168: 1.0}


def test_a_steady_history_is_forecast_and_staffed_hour_by_hour(world):
    # Every Tuesday 10:00–11:00 local, 30 chats, for eight weeks; nothing else.
    plant(world.customer_a, [(HISTORY_START + timedelta(weeks=w, days=1, hours=10, minutes=m), "chat")
                             for w in range(8) for m in range(30)])
    targets = Targets(service_level=0.8, target_seconds=20, shrinkage=0.25)

    plan = staffing_plan(viewer=world.supervisor, targets=targets, now=NOW)

    assert plan.week_start == datetime(2026, 12, 7, tzinfo=MEXICO)
    [chat] = plan.channels
    assert chat.mode == "erlang" and not chat.handling.measured
    hour = 24 + 10
    assert chat.forecast.hourly[hour] == pytest.approx(30.0)
    assert sum(chat.forecast.hourly) == pytest.approx(30.0)
    expected = erlang.agents_needed(contacts_per_hour=30, aht_seconds=DEFAULT_AHT["chat"], target_seconds=20,
                                    service_level_target=0.8)
    row = chat.hours[hour]
    assert (row.agents, row.scheduled) == (expected.agents, erlang.scheduled_heads(expected.agents, shrinkage=0.25))
    assert row.asa_seconds == pytest.approx(expected.asa_seconds)
    assert row.occupancy == pytest.approx(expected.occupancy)
    assert chat.hours[hour + 1].agents == 0 and plan.scheduled_total[hour] == row.scheduled
    assert plan.arrivals[hour] == pytest.approx(30.0)


def test_a_holiday_next_week_lowers_its_hours(world):
    # The plan for the week of Monday 14 December 2026, which holds no holiday, against the week
    # of 21 December, which holds Christmas (Friday 25): the same steady Friday history.
    plant(world.customer_a, [(datetime(2026, 10, 9, 16, 0, tzinfo=UTC) + timedelta(weeks=w, minutes=m), "email")
                             for w in range(11) for m in range(20)])  # Fridays 10:00 local, from 9 October
    ordinary = staffing_plan(viewer=world.admin, targets=Targets(), now=datetime(2026, 12, 9, 18, tzinfo=UTC))
    christmas = staffing_plan(viewer=world.admin, targets=Targets(), now=datetime(2026, 12, 16, 18, tzinfo=UTC))
    friday_ten = 4 * 24 + 10

    assert ordinary.channels[0].forecast.hourly[friday_ten] == pytest.approx(20.0)
    assert christmas.channels[0].forecast.hourly[friday_ten] == pytest.approx(20.0 * 0.25)


def test_deferred_channels_spread_the_work_over_the_answer_window(world):
    plant(world.customer_a, [(HISTORY_START + timedelta(weeks=w, hours=9, minutes=m % 60), "email")
                             for w in range(8) for m in range(60)])  # Mondays 09:00, 60 emails
    plan = staffing_plan(viewer=world.admin, targets=Targets(deferred_hours=4, shrinkage=0.0), now=NOW)
    [email] = plan.channels
    work = 60 * email.handling.seconds / 3600  # agent-hours arriving at 09:00

    assert email.mode == "backlog"
    agents = [email.hours[h].agents for h in range(8, 14)]
    assert agents == [0, *([erlang.scheduled_heads(-int(-(work / 4) // 1), shrinkage=0)] * 4), 0]
    assert email.hours[9].asa_seconds is None


def test_handling_time_is_measured_per_channel_when_there_is_enough_history(world):
    until = datetime(2026, 11, 30, 6, tzinfo=UTC)
    for n in range(30):
        call_log(actor=world.agent1, phone="+52 55 1234 5678", direction="inbound", outcome="answered",
                 started_at=until - timedelta(days=3, minutes=10 * n), duration_seconds=200 + 20 * (n % 3))
    call_log(actor=world.agent1, phone="+52 55 1234 5678", direction="inbound", outcome="answered",
             started_at=until - timedelta(days=2), duration_seconds=40_000)  # left open: counted as two hours
    # Agent 1 answers 40 emails one after another, 5 minutes apart; one after a 40-minute break.
    ticket = world.ticket_a
    start = until - timedelta(days=5)
    gaps = [5 * 60] * 39 + [40 * 60]
    when = start
    rows = []
    for gap in gaps:
        when += timedelta(seconds=gap)
        rows.append(Message(ticket=ticket, kind="public", author_kind="agent", author_user=world.agent1, channel="email",
                            body_text="Respuesta", created_at=when))
    Message.objects.bulk_create(rows)
    plant(world.customer_a, [(start, "email")] * 20)  # 40 replies on 20 new email tickets: 2 each

    found = handling_times(until=until, weeks=4)

    assert found["phone"].samples == 31
    assert found["phone"].seconds == pytest.approx((sum(200 + 20 * (n % 3) for n in range(30)) + 7200) / 31)
    assert found["email"].samples == 38  # the first reply has no earlier one, the one after the break is dropped
    assert found["email"].seconds == pytest.approx(300 * 2)
    assert "chat" not in found  # no sessions: the page says the default is used


@pytest.mark.parametrize("who", ["agent1", "agent2", "collaborator"])
def test_only_supervisors_and_admins_see_the_plan(world, who):
    with pytest.raises(Forbidden):
        staffing_plan(viewer=getattr(world, who), targets=Targets(), now=NOW)


def test_the_history_is_read_once_then_kept_while_targets_change(world, django_assert_num_queries):
    plant(world.customer_a, [(HISTORY_START + timedelta(weeks=w, hours=9), "chat") for w in range(8)])
    first = staffing_plan(viewer=world.supervisor, targets=Targets(), now=NOW)

    with django_assert_num_queries(1):  # the calendar; arrivals and handling times come from the cache
        again = staffing_plan(viewer=world.supervisor, targets=Targets(shrinkage=0.5), now=NOW)

    assert again.arrivals == first.arrivals
    assert again.channels[0].hours[9].scheduled >= first.channels[0].hours[9].scheduled


def test_the_periodic_job_reads_the_history_ahead_and_picks_up_late_tickets(world, django_assert_num_queries):
    from atiende.reporting.tasks import staffing_history

    plant(world.customer_a, [(HISTORY_START + timedelta(weeks=w, hours=9), "chat") for w in range(8)])
    with clock.frozen_at(NOW):
        staffing_history()
        with django_assert_num_queries(1):
            before = staffing_plan(viewer=world.admin, targets=Targets())
        plant(world.customer_a, [(HISTORY_START + timedelta(hours=9, minutes=5), "chat")] * 8)  # imported late
        staffing_history()
        after = staffing_plan(viewer=world.admin, targets=Targets())

    assert (before.arrivals[9], after.arrivals[9]) == (1.0, 2.0)
