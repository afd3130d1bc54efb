"""Six months of finished tickets before the demo's current ones, so reports, the hour-of-week
arrivals and the staffing forecast show something real (decision 0044).

Pure plan first (`plan_history`: one `random.Random`, the same content on every run; only the
calendar follows `now`), then played through the services with the clock pinned to each beat, so
the metric event record is written exactly as production writes it. Arrivals follow Mexico City's
week: Monday the busiest, Saturday light, Sunday almost nothing, customers between 8 and 22 h
(most in the morning), with a gentle growth over the months. Each ticket gets an agent's answer
in business hours, sometimes a customer's question and a second answer, a solve with an outcome,
and is closed four days later; about one in eight is reopened by its customer and solved again.
The satisfaction surveys and NPS answers are the surveys module's (`load_demo_surveys`,
`load_demo_nps`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from atiende.tickets.models import Channel

from .people import AGENT_BY_KEY, CUSTOMERS, TEAM_MEMBERS
from .plan import AMOUNTS, CUSTOMER_START_HOURS
from .stories import SIGNATURE, STORIES
from .timeline import AGENT_HOURS, CUSTOMER_HOURS, MEXICO_CITY, advance

SEED = 2027
DAYS = 182  # history starts this many days before the load
RECENT_DAYS = 95  # and ends here: the current tickets (plan.py) cover the last three months
PER_WEEKDAY = (4.2, 3.6, 3.4, 3.3, 3.0, 1.2, 0.3)  # tickets a day, Monday first
REOPEN_SHARE = 0.12
FOLLOW_UP_SHARE = 0.35
CLOSE_AFTER = timedelta(days=4)
REOPEN_WORDS = ("Hola, lo revisé de nuevo y sigue fallando. ¿Me pueden ayudar otra vez?",
                "Perdón, volvió a pasar lo mismo esta mañana.")
SECOND_LOOK = "Gracias por avisarnos. Lo revisamos de nuevo y corregimos la causa de fondo; ya debería quedar estable."


@dataclass
class HistoryBeat:
    at: datetime
    step: str  # create, reply, customer, solve, close
    actor: str  # an agent key, or "requester"
    text: str = ""


@dataclass
class HistoryTicket:
    id: int
    customer: str
    channel: str
    team: str
    subject: str
    triage: dict[str, object] = field(default_factory=dict)  # priority, type and tags, set at the first answer
    beats: list[HistoryBeat] = field(default_factory=list)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


def _arrival(rng: random.Random, day: datetime) -> datetime:
    hours, weights = CUSTOMER_START_HOURS
    hour = rng.choices(hours, weights=weights)[0]
    local = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return advance(local, 0, CUSTOMER_HOURS)


def plan_history(*, now: datetime) -> list[HistoryTicket]:
    rng = random.Random(SEED)
    today = now.astimezone(MEXICO_CITY).replace(hour=0, minute=0, second=0, microsecond=0)
    customers = [c for c in CUSTOMERS if c.email or c.password]
    tickets: list[HistoryTicket] = []
    for back in range(DAYS, RECENT_DAYS, -1):
        day = today - timedelta(days=back)
        growth = 0.8 + 0.4 * (DAYS - back) / (DAYS - RECENT_DAYS)  # the business grows
        expected = PER_WEEKDAY[day.weekday()] * growth
        count = int(expected) + (rng.random() < expected - int(expected))
        for _n in range(count):
            tickets.append(_plan_one(rng, len(tickets) + 1, _arrival(rng, day), customers))
    return sorted(tickets, key=lambda t: t.beats[0].at)


def _plan_one(rng: random.Random, number: int, at: datetime, customers) -> HistoryTicket:
    spec = rng.choices(customers, weights=[c.weight for c in customers])[0]
    story = rng.choice([s for s in STORIES if s.billing == spec.billing] or STORIES)
    channels = [(Channel.EMAIL, 45)] * bool(spec.email) + [(Channel.PORTAL, 30)] * bool(spec.password)
    channel = _pick(rng, tuple(channels) or ((Channel.EMAIL, 1),))
    agent = _pick(rng, TEAM_MEMBERS[story.team])
    domain = rng.choice(spec.domains)
    values = {"dominio": domain, "buzon": f"{spec.mailbox}@{domain}", "folio": f"NP-{rng.randint(100000, 999999)}",
              "monto": rng.choice(AMOUNTS) + " MXN", "agente": AGENT_BY_KEY[agent].first_name}

    def fill(template: str) -> str:
        return template.format(**values)

    def answer(template: str) -> str:  # an agent's reply: greeting first (the signature is added when played)
        return f"Hola, {spec.first_name}:\n\n" + fill(template)

    triage: dict[str, object] = {"priority": rng.choices([p for p, _w in story.priorities], [w for _p, w in story.priorities])[0],
              "type": story.type, "tags": list(dict.fromkeys(story.tags + spec.extra_tags))}
    ticket = HistoryTicket(number, spec.key, channel, story.team, fill(story.subject), triage,
                           [HistoryBeat(at, "create", "requester", fill(story.opening))])
    reply_at = advance(at, rng.uniform(20, 420), AGENT_HOURS)
    question, reply = story.exchanges[0] if story.exchanges else ("", "")
    if question and rng.random() < FOLLOW_UP_SHARE:
        ticket.beats.append(HistoryBeat(reply_at, "reply", agent, answer(question)))
        back_at = advance(reply_at, rng.uniform(30, 900), CUSTOMER_HOURS)
        ticket.beats.append(HistoryBeat(back_at, "customer", "requester", fill(reply)))
        reply_at = advance(back_at, rng.uniform(20, 300), AGENT_HOURS)
    ticket.beats.append(HistoryBeat(reply_at, "reply", agent, answer(story.solution)))
    solved_at = advance(reply_at, rng.uniform(5, 90), AGENT_HOURS)
    ticket.beats.append(HistoryBeat(solved_at, "solve", agent))
    if rng.random() < REOPEN_SHARE:
        reopened_at = advance(solved_at, rng.uniform(240, 2400), CUSTOMER_HOURS)
        ticket.beats.append(HistoryBeat(reopened_at, "customer", "requester", rng.choice(REOPEN_WORDS)))
        again_at = advance(reopened_at, rng.uniform(30, 480), AGENT_HOURS)
        ticket.beats.append(HistoryBeat(again_at, "reply", agent, answer(SECOND_LOOK)))
        solved_at = advance(again_at, rng.uniform(5, 60), AGENT_HOURS)
        ticket.beats.append(HistoryBeat(solved_at, "solve", agent))
    ticket.beats.append(HistoryBeat(solved_at + CLOSE_AFTER, "close", agent))
    return ticket


def signed(text: str, agent_name: str) -> str:
    return text + SIGNATURE.format(agente=agent_name)
