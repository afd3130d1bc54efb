"""Free-slot computation for a month of a 20-agent team: p50/p95/p99 in milliseconds.

Seeds (afresh each run) this session's own database with a team of `--agents` agents (20): half
on their own shift calendars (Monday–Saturday 8:00–20:00, Mexican holidays), half on the type's
office hours; about four booked appointments per agent and working day over the month (of this
type and of another, with buffers) and an absence per agent. Then it times what the slots
endpoint and the portal run — `appointments.selectors.slot_list` for a 31-day window, 30-minute
steps — over `--runs` windows starting on random days. Target: p95 ≤ 50 ms.

    .venv/bin/python bench/bench_slots.py [--database-url URL] [--agents 20] [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_appt"
START = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)  # Monday 1 March 2027, midnight in Mexico City


def main() -> None:
    args = parse_args()
    common.django_on_own_database(args.database_url)
    kind, booked = seed(args.agents)
    report = {"agents": args.agents, "appointments": booked, **measure(kind, args.runs), "load_average": os.getloadavg()}
    common.publish("slots", report)


def seed(agents: int):
    from django.db import transaction

    from atiende.accounts.models import Role, Team, User
    from atiende.accounts.services import agent_create
    from atiende.appointments.models import Absence, Appointment, AppointmentType
    from atiende.customers.services import customer_create
    from atiende.routing.models import AgentProfile
    from atiende.sla.models import Calendar
    from atiende.tickets.models import Ticket
    from atiende.tickets.services import ticket_create

    with transaction.atomic():
        Appointment.objects.filter(type__name__startswith="Bench ").delete()
        AppointmentType.objects.filter(name__startswith="Bench ").delete()
        Team.objects.filter(name="Bench citas").delete()
        team = Team.objects.create(name="Bench citas")
        shift, _ = Calendar.objects.get_or_create(name="Bench turno largo", defaults={
            "time_zone": "America/Mexico_City", "holidays": "MX",
            "hours": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}})
        people = []
        for n in range(agents):
            email = f"bench-citas-{n}@example.mx"
            user = User.objects.filter(email=email).first() or agent_create(email=email, name=f"Agente {n}",
                                                                            role=Role.AGENT, password=None)
            team.members.add(user)
            AgentProfile.objects.update_or_create(agent=user, defaults={"shift": shift if n % 2 else None})
            people.append(user)
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).first() or agent_create(
            email="bench-admin@example.mx", name="Admin", role=Role.ADMIN, password=None)
        training = AppointmentType.objects.create(name="Bench capacitación", kind="training", minutes=60, seats=5,
                                                  team=team, min_notice_minutes=0, max_days_ahead=365, step_minutes=30,
                                                  buffer_after=15)
        visit = AppointmentType.objects.create(name="Bench visita", kind="on_site", minutes=90, team=team,
                                               buffer_before=30, buffer_after=30, max_days_ahead=365)
        customer = customer_create(name="Cliente bench", identities={"email": f"bench-{time.time_ns()}@example.mx"})
        ticket = Ticket.objects.filter(subject="Bench citas").first() or ticket_create(
            actor=admin, subject="Bench citas", body="Citas del benchmark", requester=customer)
        rows, rng = [], random.Random(7)
        for user in people:
            Absence.objects.filter(agent=user).delete()
            away = START + timedelta(days=rng.randrange(28), hours=8)
            Absence.objects.create(agent=user, start=away, end=away + timedelta(days=1, hours=4))
            for day in range(35):
                for hour in rng.sample(range(9, 17), 4):
                    kind = training if rng.random() < .5 else visit
                    start = START + timedelta(days=day, hours=hour)
                    rows.append(Appointment(type=kind, agent=user, ticket=ticket, customer=ticket.requester, start=start,
                                            end=start + timedelta(minutes=kind.minutes), buffer_before=kind.buffer_before,
                                            buffer_after=kind.buffer_after, time_zone="America/Mexico_City"))
        Appointment.objects.bulk_create(rows)
    return training, len(rows)


def measure(kind, runs: int) -> dict:
    from atiende.appointments import selectors

    rng = random.Random(11)
    timings, cpu, found = [], [], 0
    selectors.slot_list(user=None, kind=kind, start=START, end=START + timedelta(days=31), now=START)  # warm caches
    for _ in range(runs):
        start = START + timedelta(days=rng.randrange(5))
        began, began_cpu = time.perf_counter(), time.process_time()
        slots = selectors.slot_list(user=None, kind=kind, start=start, end=start + timedelta(days=31), now=START)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        found += len(slots)
    timings.sort()
    cpu.sort()
    # Wall time is what a caller waits; this process's CPU time leaves out waiting for a core on
    # a shared machine (PostgreSQL's own time is in the wall figure only).
    return {"runs": runs, "slots_per_month": found // runs, "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * .95) - 1], 2), "p99_ms": round(timings[int(len(timings) * .99) - 1], 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2), "cpu_p95_ms": round(cpu[int(len(cpu) * .95) - 1], 2)}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    return parser.parse_args()


if __name__ == "__main__":
    main()
