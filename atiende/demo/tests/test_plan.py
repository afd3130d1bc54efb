"""The demo plan and its calendar arithmetic (no database)."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from atiende.demo.plan import MAX_MESSAGES, Step, final_statuses, plan_tickets
from atiende.demo.timeline import AGENT_HOURS, CUSTOMER_HOURS, MEXICO_CITY, advance

# A Wednesday, 15:30 in Mexico City (UTC-6 all year).
NOW = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
# One load at a different hour on each day of a week.
NOWS = [NOW + timedelta(days=d, hours=5 * d) for d in range(7)]


def _mx(at: datetime) -> tuple[str, str]:
    local = at.astimezone(MEXICO_CITY)
    return local.strftime("%a"), local.strftime("%H:%M")


def test_advance_counts_only_open_hours():
    friday_evening = datetime(2026, 3, 6, 18, 30, tzinfo=MEXICO_CITY)

    assert _mx(advance(friday_evening, 20, AGENT_HOURS)) == ("Fri", "18:50")
    assert _mx(advance(friday_evening, 60, AGENT_HOURS)) == ("Sat", "10:30")
    assert _mx(advance(friday_evening, 300, AGENT_HOURS)) == ("Mon", "09:30")  # 30 + 240 on Saturday + 30
    assert _mx(advance(friday_evening, 0, CUSTOMER_HOURS)) == ("Fri", "18:30")
    assert advance(friday_evening, 0, AGENT_HOURS).tzinfo == UTC


def test_advance_moves_a_closed_time_to_the_next_opening():
    sunday_night = datetime(2026, 3, 8, 23, 0, tzinfo=MEXICO_CITY)

    assert _mx(advance(sunday_night, 0, AGENT_HOURS)) == ("Mon", "09:00")
    assert _mx(advance(sunday_night, 15, CUSTOMER_HOURS)) == ("Mon", "08:15")


def test_the_plan_is_the_same_whatever_the_hour_of_the_load():
    plans = {now: plan_tickets(now=now) for now in NOWS}

    def content(now):
        return [(p.customer, p.subject, p.channel, p.status, [(b.step, b.actor) for b in p.beats])
                for p in plans[now]]

    assert all(content(now) == content(NOW) for now in NOWS)
    assert final_statuses(plans[NOW]) == {"new": 16, "open": 31, "pending_customer": 24, "on_hold": 12,
                                          "solved": 41, "closed": 73, "merged": 3}
    assert sum(p.messages for p in plans[NOW]) == 944


@pytest.mark.parametrize("now", NOWS)
def test_every_beat_happens_before_the_load_and_mostly_in_business_hours(now):
    plans = plan_tickets(now=now)
    beats = [beat for plan in plans for beat in plan.beats]
    hours = Counter(beat.at.astimezone(MEXICO_CITY).hour for beat in beats)

    assert max(beat.at for beat in beats) < now
    assert min(plan.created_at for plan in plans) > now - timedelta(days=100)
    assert all(plan.beats[0].step == Step.CREATE and plan.created_at == min(b.at for b in plan.beats)
               for plan in plans)
    assert sum(n for hour, n in hours.items() if 9 <= hour < 19) / len(beats) > 0.9


def test_each_conversation_has_two_to_eight_messages():
    plans = plan_tickets(now=NOW)
    merged = [p for p in plans if p.status == "merged"]

    assert {p.messages for p in merged} == {1}  # moved into the ticket they were merged into
    assert all(2 <= p.messages <= MAX_MESSAGES for p in plans if p not in merged)
