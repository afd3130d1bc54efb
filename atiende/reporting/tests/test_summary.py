"""The reports' figures against a slow reference computed here from the event record, ticket by
ticket, with the pure definitions of `metrics.history` and `statistics`; and that the rows stay
current when events are written (no batch)."""

from __future__ import annotations

import csv
import io
import random
import statistics
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from atiende.core.clock import frozen_at
from atiende.metrics import history as h
from atiende.metrics.models import MetricEvent, TicketFact
from atiende.metrics.selectors import histories
from atiende.metrics.services import record_survey_answer
from atiende.reporting.summary import Period, percentile, summary
from atiende.tickets.models import Ticket
from atiende.tickets.services import message_create, ticket_create, ticket_update

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Mexico_City")
FIRST, LAST = date(2026, 10, 5), date(2026, 10, 18)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def build(world, seed: int = 7, count: int = 24) -> list[Ticket]:
    """Tickets over four weeks around the period: replies, solves with outcomes, reopens and answers."""
    rnd = random.Random(seed)
    made = []
    for n in range(count):
        day = FIRST - timedelta(days=7) + timedelta(days=rnd.randrange(26))
        start = at(day, rnd.randrange(24), rnd.randrange(60))
        customer, agent, team = ((world.customer_a, world.agent1, world.team1) if n % 3 else
                                 (world.customer_b, world.agent2, world.team2))
        with frozen_at(start):
            ticket = ticket_create(actor=world.admin, requester=customer, subject=f"Caso {n}", body="Ayuda",
                                   channel=rnd.choice(["email", "phone", "whatsapp"]), team=team)
        when = start
        for _reply in range(rnd.randrange(0, 3)):
            when += timedelta(minutes=rnd.randrange(5, 900))
            with frozen_at(when):
                message_create(actor=agent, ticket=ticket, body="Respuesta")
            if rnd.random() < 0.4:
                when += timedelta(minutes=rnd.randrange(5, 300))
                with frozen_at(when):
                    message_create(actor=customer.user, ticket=ticket, body="Otra pregunta")
        for episode in range(2):
            if rnd.random() < 0.25:
                break
            when += timedelta(minutes=rnd.randrange(10, 3000))
            ticket.refresh_from_db()
            outcome = rnd.choice(["solved", "solved", "workaround"])
            with frozen_at(when):
                ticket = ticket_update(actor=agent, ticket=ticket, changes={"status": "solved"},
                                       details={"outcome": outcome})
            if rnd.random() < 0.5:
                when += timedelta(minutes=rnd.randrange(10, 600))
                with frozen_at(when):
                    record_survey_answer(ticket, episode=episode + 1, rating=rnd.randint(1, 5), agent_id=agent.pk)
            if episode or rnd.random() < 0.6:
                break
            when += timedelta(hours=rnd.randrange(1, 60))
            with frozen_at(when):
                message_create(actor=customer.user, ticket=ticket, body="Volvió a fallar")  # reopens it
        made.append(ticket)
    return made


def reference(period: Period, *, team_id: int | None, now: datetime) -> dict:
    """The figures the slow way: every ticket's events, one by one."""
    since, until = period.since, period.until
    ids = list(Ticket.objects.filter(**({"team_id": team_id} if team_id else {})).values_list("pk", flat=True))
    record = {pk: list(MetricEvent.objects.filter(ticket_id=pk).order_by("at", "id")) for pk in ids}
    stories = histories(ids)
    created = [pk for pk in ids if since <= Ticket.objects.get(pk=pk).created_at < until]
    solved, first, resolution, business, ratings = [], [], [], [], []
    as_of = min(until, now)
    backlog = 0
    for pk, events in record.items():
        solves = [e for e in events if e.kind == "solved"]
        reopens = [e for e in events if e.kind == "reopened"]
        firsts = [e for e in events if e.kind == "first_reply"]
        if firsts and since <= firsts[0].at < until:
            first.append(firsts[0].calendar_seconds)
        if solves and since <= solves[-1].at < until:
            solved.append(pk)
            resolution.append(solves[-1].calendar_seconds)
            if solves[-1].business_seconds is not None:
                business.append(solves[-1].business_seconds)
        answers = [e for e in events if e.kind == "survey_answered"]
        if answers and since <= answers[-1].at < until:
            ratings.append(answers[-1].rating)
        created_at = events[0].at
        open_again = bool(solves and any(r.at > solves[-1].at for r in reopens))
        if created_at < as_of and (not solves or solves[-1].at >= as_of or open_again):
            backlog += 1

    def p90(values):
        return statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else (
            values[0] if values else None)

    return {
        "created": len(created), "solved": len(solved), "backlog": backlog,
        "first_response_median": statistics.median(first) if first else None, "first_response_p90": p90(first),
        "resolution_median": statistics.median(resolution) if resolution else None, "resolution_p90": p90(resolution),
        "resolution_business_median": statistics.median(business) if business else None,
        "fcr_rate": h.rate([stories[pk] for pk in solved], h.first_contact_resolution) if solved else None,
        "reopen_rate": h.reopen_rate([stories[pk] for pk in solved]),
        "really_solved_rate": h.rate([stories[pk] for pk in solved], h.really_solved, now=now, days=7)
        if solved else None,
        "csat_answers": len(ratings), "csat_average": statistics.mean(ratings) if ratings else None,
    }


def close(found, expected):
    if expected is None or found is None:
        return found == expected
    return found == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", [7, 11])
def test_figures_equal_the_slow_reference(world, seed):
    build(world, seed=seed)
    now = at(LAST + timedelta(days=20), 12)
    period = Period(FIRST, LAST, ZONE)
    with frozen_at(now):
        found = summary(period=period, group_by="team")
        expected = reference(period, team_id=None, now=now)
        for name, value in expected.items():
            assert close(getattr(found.total, name), value), (name, getattr(found.total, name), value)
        by_team = {row.key: row for row in found.rows}
        for team in (world.team1, world.team2):
            expected = reference(period, team_id=team.pk, now=now)
            for name, value in expected.items():
                assert close(getattr(by_team[team.pk], name), value), (team.name, name)
        assert by_team[world.team1.pk].label == world.team1.name
        filtered = summary(period=period, team_ids=[world.team2.pk], compare=False)
        assert filtered.total.created == by_team[world.team2.pk].created
    assert found.previous is not None and found.previous.created == reference(period.previous(), team_id=None,
                                                                               now=now)["created"]
    assert sum(found.daily["created"]) == found.total.created == sum(map(sum, found.arrivals))


def test_nps_by_who_the_customer_is_and_only_in_total_otherwise(world):
    from atiende.feedback.models import NpsSurvey

    build(world)
    answered = at(FIRST + timedelta(days=3), 10)
    for customer, score in ((world.customer_a, 10), (world.colleague_a, 9), (world.customer_b, 3)):
        NpsSurvey.objects.create(customer=customer, cycle=1, sent_at=answered, state="answered", score=score,
                                 answered_at=answered)
    NpsSurvey.objects.create(customer=world.org_admin_a, cycle=1, sent_at=answered, state="answered", score=0,
                             answered_at=at(LAST + timedelta(days=2), 10))  # after the period
    period = Period(FIRST, LAST, ZONE)
    with frozen_at(at(LAST + timedelta(days=5), 12)):
        by_organization = summary(period=period, group_by="organization", compare=False, series=False)
        by_team = summary(period=period, group_by="team", compare=False, series=False)
    nps = {row.key: row.nps for row in by_organization.rows}
    assert (nps[world.org_a.pk], nps[world.org_b.pk]) == (100.0, -100.0)
    assert by_organization.total.nps == by_team.total.nps == 33.3  # 2 promoters, 1 detractor of 3
    assert {row.nps for row in by_team.rows} == {None}  # a contact's answer is not a team's


def test_the_backlog_index_carries_every_grouping():
    from atiende.metrics.models import BACKLOG_GROUP_COLUMNS
    from atiende.reporting.summary import _GROUP_COLUMN

    assert set(_GROUP_COLUMN.values()) == set(BACKLOG_GROUP_COLUMNS)


def test_percentile_is_linear_between_neighbours():
    assert percentile([], 0.5) is None
    assert percentile([4], 0.9) == 4
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    assert percentile(values, 0.9) == pytest.approx(statistics.quantiles(values, n=10, method="inclusive")[8])


def test_the_rows_follow_new_events_without_a_batch(world):
    period = Period(FIRST, LAST, ZONE)
    with frozen_at(at(FIRST, 10)):
        ticket = ticket_create(actor=world.customer_a.user, subject="Facturación", body="¿Y mi factura?")
    with frozen_at(at(LAST + timedelta(days=1), 9)):
        before = summary(period=period, compare=False)
        assert (before.total.created, before.total.backlog, before.total.first_response_median) == (1, 1, None)
    with frozen_at(at(FIRST, 11)):
        message_create(actor=world.agent1, ticket=ticket, body="Ya va en camino")
    with frozen_at(at(FIRST, 12)):
        ticket_update(actor=world.agent1, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
        ticket_update(actor=world.admin, ticket=ticket, changes={"team": world.team2})
    with frozen_at(at(LAST + timedelta(days=1), 9)):
        after = summary(period=period, group_by="team", compare=False)
    assert (after.total.first_response_median, after.total.solved, after.total.backlog) == (3600, 1, 0)
    assert after.total.fcr_rate == 1
    assert [row.key for row in after.rows] == [world.team2.pk]  # the team change moved it
    fact = TicketFact.objects.get(pk=ticket.pk)
    assert (fact.first_reply_seconds, fact.solve_seconds, fact.outcome, fact.agent_id) == (3600, 7200, "solved",
                                                                                            world.agent1.pk)


def test_the_api_gives_rows_and_a_csv_with_accents(world, client):
    world.team1.name = "Atención y Facturación"
    world.team1.save()
    build(world, count=8)
    client.force_login(world.supervisor)
    query = {"since": FIRST.isoformat(), "until": LAST.isoformat(), "group_by": "team"}
    answer = client.get("/api/v1/reports/summary/", query)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert {row["label"] for row in data["rows"]} <= {"Atención y Facturación", "Especialistas", "None"}
    assert data["total"]["created"] == sum(row["created"] for row in data["rows"])
    raw = client.get("/api/v1/reports/summary/", {**query, "format": "csv"})
    assert raw.status_code == 200 and raw["Content-Type"].startswith("text/csv")
    assert raw.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert table[0][0] == "Team" and table[0][1] == "Created"
    labels = [line[0] for line in table[1:]]
    assert "Atención y Facturación" in labels and labels[-2:] == ["All", "Previous period"]
    assert int(table[-2][1]) == data["total"]["created"]


@pytest.mark.parametrize("query, field", [
    ({"since": "2026-13-01"}, "since"), ({"until": "ayer"}, "until"), ({"group_by": "planet"}, "group_by"),
    ({"since": "2026-10-10", "until": "2026-10-01"}, "since"), ({"since": "2024-01-01", "until": "2026-01-01"}, "until"),
    ({"team": "uno"}, "team"), ({"since": "２０２６-10-01"}, "since"), ({"until": "9999-12-31"}, "until"),
    ({"since": "0001-01-01"}, "since"),
])
def test_bad_filters_are_a_400_that_names_them(world, client, query, field):
    client.force_login(world.admin)
    answer = client.get("/api/v1/reports/summary/", query)
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == [field], answer.json()


def test_only_supervisors_and_admins(world, client):
    for user, status in ((world.agent1, 403), (world.customer_a.user, 403), (world.supervisor, 200), (world.admin, 200)):
        client.force_login(user)
        assert client.get("/api/v1/reports/summary/").status_code == status, user
    client.logout()
    assert client.get("/api/v1/reports/summary/").status_code in (401, 403)
