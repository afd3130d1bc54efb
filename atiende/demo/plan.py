"""The demo's tickets as a plan: who does what, and when (pure: no database).

`plan_tickets(now=...)` returns every ticket as a list of beats, each with a UTC time before `now`.
One `random.Random(2026)` decides everything, and it is drawn in the same order whatever `now`
is, so the content (people, words, statuses, counts) is identical on every run; only the calendar
follows `now`, and with it the greetings ("Buenos días", "Buenas tardes"). Times fall in the
business hours of Mexico City: agents work Monday to Friday 9–19 h and Saturday mornings;
customers write between 8 and 22 h. The beats of special cases (a merge, parents and children,
related tickets) are timed so the services accept them: children are solved before their parent,
nothing is merged into a closed ticket.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from atiende.tickets.models import Channel, LinkKind, Priority, TicketType
from atiende.tickets.status import TicketStatus

from . import stories as text
from .people import (
    AGENT_BY_KEY,
    CUSTOMER_BY_KEY,
    CUSTOMERS,
    ENTERPRISE,
    FIRST_LINE,
    SECOND_LINE,
    SUPERVISOR,
    TEAM_MEMBERS,
    CustomerSpec,
)
from .stories import STORIES, Story
from .timeline import (
    AGENT_HOURS,
    CUSTOMER_HOURS,
    MEXICO_CITY,
    Window,
    advance,
    latest_weekday,
    local,
)

SEED = 2026
REQUESTER = "requester"  # a beat's actor: the ticket's own customer
MAX_MESSAGES = 8

S = TicketStatus
# Tickets per final status built from the stories; the special cases add the rest (200 in all).
GENERIC_STATUSES = {S.NEW: 16, S.OPEN: 30, S.PENDING_CUSTOMER: 22, S.ON_HOLD: 10, S.SOLVED: 40, S.CLOSED: 68}
# How many days before the load a ticket in each status was opened.
DAYS_BACK = {S.NEW: (0.0, 1.5), S.OPEN: (0.5, 9.0), S.PENDING_CUSTOMER: (1.0, 12.0), S.ON_HOLD: (2.0, 20.0),
             S.SOLVED: (1.0, 9.0), S.CLOSED: (8.0, 88.0)}
CUSTOMER_START_HOURS = (tuple(range(8, 22)), (2, 5, 7, 7, 6, 4, 5, 6, 6, 5, 3, 2, 2, 1))
AGENT_START_HOURS = (tuple(range(9, 19)), (5, 7, 7, 6, 4, 5, 6, 6, 5, 3))
# Minutes of open time before an agent answers, by priority.
RESPONSE_MINUTES = {Priority.URGENT: (5, 40), Priority.HIGH: (15, 120), Priority.NORMAL: (30, 300),
                    Priority.LOW: (60, 600)}
CHANNEL_WEIGHTS = ((Channel.EMAIL, 40), (Channel.PORTAL, 25), (Channel.CHAT, 12), (Channel.WHATSAPP, 25),
                   (Channel.PHONE, 11))  # WhatsApp only for customers who have it
CHANNEL_WORDS = {Channel.EMAIL: "correo", Channel.PORTAL: "el portal", Channel.CHAT: "el chat",
                 Channel.WHATSAPP: "WhatsApp", Channel.PHONE: "teléfono"}
AMOUNTS = ("$349.00", "$899.00", "$1,299.00", "$2,450.00", "$4,899.00")
BUMP = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH}


class Step(StrEnum):
    CREATE = "create"
    CUSTOMER = "customer"  # a public message by the requester
    REPLY = "reply"  # a public message by an agent
    NOTE = "note"  # an internal note by an agent (the collaborator too)
    UPDATE = "update"
    REFER = "refer"  # refer to the collaborator, with a note
    MERGE = "merge"  # merge this ticket into `other`
    LINK = "link"  # `other` becomes the parent of (or related to) this ticket


MESSAGE_STEPS = frozenset({Step.CREATE, Step.CUSTOMER, Step.REPLY, Step.NOTE, Step.REFER})


@dataclass
class Beat:
    step: Step
    actor: str  # an agent key, or REQUESTER
    at: datetime
    text: str = ""
    channel: str = ""
    changes: dict[str, Any] = field(default_factory=dict)  # team and assignee as keys
    other: int | None = None
    link_kind: str = ""


@dataclass
class TicketPlan:
    id: int
    customer: str
    subject: str
    channel: str
    status: str  # the status the beats leave it in
    beats: list[Beat] = field(default_factory=list)

    @property
    def created_at(self) -> datetime:
        return self.beats[0].at

    @property
    def last_at(self) -> datetime:
        return max(beat.at for beat in self.beats)

    @property
    def messages(self) -> int:
        return sum(1 for beat in self.beats if beat.step in MESSAGE_STEPS)

    def shift(self, delta: timedelta) -> None:
        for beat in self.beats:
            beat.at += delta


def plan_tickets(*, now: datetime) -> list[TicketPlan]:
    """Every demo ticket, ordered by id; all beats fall before `now`."""
    return _Planner(random.Random(SEED), now).run()


def final_statuses(plans: list[TicketPlan]) -> Counter[str]:
    return Counter(plan.status for plan in plans)


@dataclass
class _Case:
    """One ticket being written: its people, placeholders and the time reached so far."""

    plan: TicketPlan
    customer: CustomerSpec
    story: Story
    values: dict[str, str]
    priority: str
    tags: list[str]
    hello_by_hour: bool
    at: datetime = field(init=False)

    @property
    def agent_created(self) -> bool:
        return self.plan.channel == Channel.PHONE

    @property
    def reply_channel(self) -> str:
        if self.plan.channel != Channel.PHONE:
            return self.plan.channel
        return Channel.EMAIL if self.customer.email else Channel.PHONE

    def fill(self, template: str, agent: str | None = None) -> str:
        first = AGENT_BY_KEY[agent].first_name if agent else ""
        return template.format(agente=first, **self.values)

    def add(self, step: Step, actor: str, minutes: float, window: Window, **fields: Any) -> Beat:
        self.at = advance(self.at, minutes, window)
        beat = Beat(step, actor, self.at, **fields)
        self.plan.beats.append(beat)
        return beat


class _Planner:
    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.limit = now - timedelta(minutes=5)
        self.plans: list[TicketPlan] = []

    def run(self) -> list[TicketPlan]:
        statuses = [status for status, n in GENERIC_STATUSES.items() for _ in range(n)]
        self.rng.shuffle(statuses)
        for status in statuses:
            self._generic(status)
        self._merged_pair("rosa", "buzon-lleno", Channel.EMAIL, Channel.WHATSAPP, S.OPEN)
        self._merged_pair("gabriel", "dns-servidores-nombre", Channel.EMAIL, Channel.CHAT, S.SOLVED)
        self._merged_pair("sofia", "cobro-duplicado", Channel.PORTAL, Channel.WHATSAPP, S.PENDING_CUSTOMER)
        self._outage()
        self._migration()
        self._related_links()
        return self.plans

    # --- choosing -------------------------------------------------------------------------------

    def _weighted(self, pairs: tuple[tuple[Any, int], ...] | list[tuple[Any, int]]) -> Any:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def _minutes(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high))

    def _new_plan(self, customer: str, subject: str, channel: str, status: str) -> TicketPlan:
        plan = TicketPlan(len(self.plans) + 1, customer, subject, channel, status)
        self.plans.append(plan)
        return plan

    def _case(self, status: str, customer: CustomerSpec, story: Story, channel: str) -> _Case:
        rng = self.rng
        domain = rng.choice(customer.domains)
        values = {"dominio": domain, "buzon": f"{customer.mailbox}@{domain}",
                  "folio": f"NP-{rng.randint(100000, 999999)}", "monto": rng.choice(AMOUNTS) + " MXN"}
        priority = self._weighted(story.priorities)
        if customer.organization == ENTERPRISE and priority in BUMP and rng.random() < 0.4:
            priority = BUMP[priority]
        subject = story.subject.format(agente="", **values)
        plan = self._new_plan(customer.key, subject, channel, status)
        tags = list(dict.fromkeys(story.tags + customer.extra_tags))
        return _Case(plan, customer, story, values, priority, tags, hello_by_hour=rng.random() < 0.5)

    def _pick_story(self, customer: CustomerSpec, status: str) -> Story:
        candidates = [s for s in STORIES if s.exchanges or status != S.PENDING_CUSTOMER]
        return self._weighted([(s, 3 if s.billing == customer.billing else 1) for s in candidates])

    def _pick_channel(self, customer: CustomerSpec) -> str:
        if customer.email is None:
            return Channel.PHONE
        return self._weighted([(c, w) for c, w in CHANNEL_WEIGHTS if c != Channel.WHATSAPP or customer.whatsapp])

    def _start(self, status: str, *, agent_created: bool) -> datetime:
        rng = self.rng
        days = rng.uniform(*DAYS_BACK[status])
        hours, weights = AGENT_START_HOURS if agent_created else CUSTOMER_START_HOURS
        hour, minute = rng.choices(hours, weights=weights)[0], rng.randrange(60)
        start = local(hour, minute, on=self.now - timedelta(days=days))
        while start > self.limit:
            start -= timedelta(days=1)
        return advance(start, 0, AGENT_HOURS if agent_created else CUSTOMER_HOURS)

    def _fit(self, *plans: TicketPlan) -> None:
        """Move plans back whole weeks (same weekday and hour) until they end before the load."""
        while max(plan.last_at for plan in plans) > self.limit:
            for plan in plans:
                plan.shift(timedelta(days=-7))

    # --- what people write ----------------------------------------------------------------------

    def _hello(self, case: _Case, at: datetime) -> str:
        if not case.hello_by_hour:
            return "Hola"
        hour = at.astimezone(MEXICO_CITY).hour
        return "Buenos días" if hour < 12 else "Buenas tardes" if hour < 19 else "Buenas noches"

    def _reply(self, case: _Case, agent: str, body: str) -> Beat:
        low, high = RESPONSE_MINUTES[case.priority]
        beat = case.add(Step.REPLY, agent, self._minutes(low, high), AGENT_HOURS, channel=case.reply_channel)
        beat.text = self._agent_text(case, agent, case.fill(body, agent), beat.at)
        return beat

    def _agent_text(self, case: _Case, agent: str, body: str, at: datetime) -> str:
        name = case.customer.first_name
        channel = case.reply_channel
        if channel == Channel.PHONE:
            return text.PHONE_REPLY.format(cliente=name, texto=body)
        if channel in (Channel.CHAT, Channel.WHATSAPP):
            return f"{self._hello(case, at)}, {name}. {body}"
        return f"{self._hello(case, at)}, {name}:\n\n{body}" + text.SIGNATURE.format(agente=AGENT_BY_KEY[agent].name)

    def _customer(self, case: _Case, body: str, handler: str, *, minutes: float | None = None,
                  phone_template: str = text.PHONE_ANSWER) -> Beat:
        """The requester speaks. A customer with no login speaks on the phone: `handler` writes the call
        down, publicly, or as an internal note when it was only a nudge (which must not open a new ticket)."""
        gap = self._minutes(20, 1500) if minutes is None else minutes
        said = case.fill(body, handler)
        if case.customer.email is None:
            call = phone_template.format(cliente=case.customer.first_name, respuesta=said)
            if phone_template == text.PHONE_FOLLOW_UP:
                return case.add(Step.NOTE, handler, gap, AGENT_HOURS, channel=Channel.INTERNAL, text=call)
            return case.add(Step.REPLY, handler, gap, AGENT_HOURS, channel=Channel.PHONE, text=call)
        channel = Channel.EMAIL if case.plan.channel == Channel.PHONE else case.plan.channel
        return case.add(Step.CUSTOMER, REQUESTER, gap, CUSTOMER_HOURS, channel=channel, text=said)

    def _note(self, case: _Case, agent: str, body: str, *, minutes: tuple[float, float] = (5, 90)) -> Beat:
        return case.add(Step.NOTE, agent, self._minutes(*minutes), AGENT_HOURS, channel=Channel.INTERNAL,
                        text=case.fill(body, agent))

    def _update(self, case: _Case, agent: str, minutes: float = 0, **changes: Any) -> Beat:
        return case.add(Step.UPDATE, agent, minutes or self._minutes(1, 4), AGENT_HOURS, changes=changes)

    # --- ordinary tickets -----------------------------------------------------------------------

    def _generic(self, status: str, *, customer: CustomerSpec | None = None, story: Story | None = None,
                 channel: str | None = None, max_messages: int = MAX_MESSAGES) -> _Case:
        if customer is None:
            customer = self._weighted([(c, c.weight) for c in CUSTOMERS])
        story = story or self._pick_story(customer, status)
        channel = channel or self._pick_channel(customer)
        case = self._case(status, customer, story, channel)
        case.at = self._start(status, agent_created=case.agent_created)
        if status == S.NEW:
            self._untouched(case)
        else:
            self._worked(case, status, max_messages)
        self._fit(case.plan)
        return case

    def _opening(self, case: _Case, agent: str | None, **create: Any) -> None:
        """The first message: the customer's, or the note of the agent who took the call."""
        customer = case.customer
        if case.agent_created:
            summary = case.fill(case.story.summary)
            body = text.PHONE_OPENING.format(cliente=customer.name, resumen=summary)
            case.plan.beats.append(Beat(Step.CREATE, agent or "agente", case.at, body, Channel.PHONE, create))
            return
        body = case.fill(case.story.opening)
        if case.plan.channel == Channel.EMAIL:
            body += text.CUSTOMER_SIGNATURE.format(cliente=customer.name)
        case.plan.beats.append(Beat(Step.CREATE, REQUESTER, case.at, body, case.plan.channel))

    def _untouched(self, case: _Case) -> None:
        """A new ticket: nobody has taken it yet; maybe the customer insisted or a supervisor looked."""
        rng = self.rng
        receptionist = self._weighted(TEAM_MEMBERS[FIRST_LINE])
        triage = {"priority": case.priority, "tags": case.tags, "type": case.story.type}
        if rng.random() < 0.5:
            triage["team"] = FIRST_LINE
        self._opening(case, receptionist, **(triage if case.agent_created else {}))
        choice = rng.random()
        if choice < 0.45 or case.agent_created:
            self._customer(case, rng.choice(text.FOLLOW_UPS), receptionist, minutes=self._minutes(60, 480),
                           phone_template=text.PHONE_FOLLOW_UP)
        if choice >= 0.3:
            if not case.agent_created and choice >= 0.7:
                self._update(case, SUPERVISOR, self._minutes(10, 120), **triage)
            self._note(case, SUPERVISOR, rng.choice(text.TRIAGE_NOTES))

    def _worked(self, case: _Case, status: str, max_messages: int) -> None:
        rng = self.rng
        story = case.story
        unassigned = status in (S.OPEN, S.PENDING_CUSTOMER) and rng.random() < 0.2
        escalate = story.team == SECOND_LINE and not unassigned and rng.random() < 0.5
        first_team = FIRST_LINE if escalate else story.team
        handler = self._weighted(TEAM_MEMBERS[first_team])
        if case.customer.organization == ENTERPRISE and not escalate and not unassigned and rng.random() < 0.25:
            handler = SUPERVISOR  # the account manager takes it herself
        specialist = self._weighted([(k, w) for k, w in TEAM_MEMBERS[SECOND_LINE] if k != handler])
        referral = story.referral if story.referral and rng.random() < 0.6 else None
        if referral is None and not escalate and rng.random() < 0.06:
            referral = text.GENERIC_REFERRAL
        flags = {
            "follow_up": rng.random() < 0.15,
            "ack": rng.random() < 0.6,
            "referral": referral is not None and not unassigned,
            "round": bool(story.exchanges) and status != S.PENDING_CUSTOMER and rng.random() < 0.7,
            "note": rng.random() < 0.6,
            "working": status == S.OPEN and rng.random() < 0.3,
            "hold_first": status in (S.SOLVED, S.CLOSED) and bool(story.hold) and rng.random() < 0.35,
            "thanks": rng.random() < 0.6,
        }
        self._fit_budget(flags, status, escalate, max_messages)
        assignee = None if unassigned else handler
        self._taken(case, first_team, assignee, flags["follow_up"])
        replier = handler if assignee else self._weighted(TEAM_MEMBERS[first_team])
        # Someone must answer in public for an unassigned ticket to leave "new".
        if flags["ack"] or (not flags["round"] and (unassigned or (status == S.OPEN and not flags["working"]))):
            self._reply(case, replier, rng.choice(text.ACKNOWLEDGEMENTS))
        if flags["round"]:
            self._round(case, replier, story.exchanges[0])
        if escalate:
            self._note(case, handler, rng.choice(text.ESCALATION_NOTES))
            self._update(case, handler, team=SECOND_LINE, assignee=specialist)
            replier = specialist
        if flags["referral"] and referral is not None:
            self._referral(case, replier, referral)
        if flags["note"]:
            self._note(case, replier, story.note, minutes=(15, 240))
        if flags["working"]:
            self._note(case, replier, rng.choice(text.WORKING_NOTES), minutes=(30, 300))
        self._ending(case, status, replier, flags)

    @staticmethod
    def _fit_budget(flags: dict[str, bool], status: str, escalate: bool, max_messages: int) -> None:
        """Drop optional turns, least telling first, until the ticket has at most `max_messages`."""
        ending = {S.OPEN: 0, S.PENDING_CUSTOMER: 1, S.ON_HOLD: 1, S.SOLVED: 1, S.CLOSED: 1}[status]
        weights = {"follow_up": 1, "ack": 1, "referral": 2, "round": 2, "note": 1, "working": 1,
                   "hold_first": 1, "thanks": 1 if status in (S.SOLVED, S.CLOSED) else 0}
        for name in ("referral", "follow_up", "working", "ack", "hold_first", "thanks", "note", "round"):
            total = 1 + ending + int(escalate) + sum(weights[k] for k, on in flags.items() if on)
            if total <= max_messages:
                return
            flags[name] = False

    def _taken(self, case: _Case, team: str, assignee: str | None, follow_up: bool) -> None:
        """Opening, then triage: the ticket gets its team, priority, type, tags and maybe an owner."""
        triage: dict[str, Any] = {"team": team, "priority": case.priority, "type": case.story.type,
                                  "tags": case.tags}
        if assignee:
            triage["assignee"] = assignee
        if case.agent_created:
            self._opening(case, assignee or self._weighted(TEAM_MEMBERS[team]), **triage)
        else:
            self._opening(case, None)
        if follow_up:
            self._customer(case, self.rng.choice(text.FOLLOW_UPS), assignee or SUPERVISOR,
                           minutes=self._minutes(60, 300), phone_template=text.PHONE_FOLLOW_UP)
        if not case.agent_created:
            low, high = RESPONSE_MINUTES[case.priority]
            self._update(case, assignee or SUPERVISOR, self._minutes(low / 2, high / 2), **triage)

    def _round(self, case: _Case, agent: str, exchange: tuple[str, str]) -> None:
        ask, answer = exchange
        self._reply(case, agent, ask)
        self._update(case, agent, status=S.PENDING_CUSTOMER)
        self._customer(case, answer, agent)
        if case.customer.email is None:  # an answer on the phone does not reopen the ticket by itself
            self._update(case, agent, status=S.OPEN)

    def _referral(self, case: _Case, agent: str, referral: tuple[str, str]) -> None:
        ask, found = referral
        case.add(Step.REFER, agent, self._minutes(5, 60), AGENT_HOURS, text=case.fill(ask, agent))
        self._note(case, "colaborador", found, minutes=(20, 240))

    def _ending(self, case: _Case, status: str, agent: str, flags: dict[str, bool]) -> None:
        story = case.story
        if status == S.PENDING_CUSTOMER:
            self._reply(case, agent, story.exchanges[0][0])
            self._update(case, agent, status=S.PENDING_CUSTOMER)
        elif status == S.ON_HOLD:
            self._reply(case, agent, story.hold or text.GENERIC_HOLD)
            self._update(case, agent, status=S.ON_HOLD)
        elif status in (S.SOLVED, S.CLOSED):
            if flags["hold_first"]:
                self._reply(case, agent, story.hold)
                self._update(case, agent, status=S.ON_HOLD)
                case.at = advance(case.at, self._minutes(600, 1800), AGENT_HOURS)
            self._reply(case, agent, story.solution)
            if flags["thanks"]:
                self._customer(case, self.rng.choice(text.THANKS), agent, minutes=self._minutes(10, 600),
                               phone_template=text.PHONE_THANKS)
            self._update(case, agent, self._minutes(2, 30), status=S.SOLVED)
            if status == S.CLOSED:
                case.at += timedelta(days=4)
                self._update(case, agent, self._minutes(1, 60), status=S.CLOSED)

    # --- special cases --------------------------------------------------------------------------

    def _merged_pair(self, customer: str, story: str, first: str, second: str, status: str) -> None:
        """A customer writes twice about one thing; the supervisor merges the second into the first."""
        spec = CUSTOMER_BY_KEY[customer]
        tale = next(s for s in STORIES if s.key == story)
        survivor = self._generic(status, customer=spec, story=tale, channel=first, max_messages=6)
        duplicate = self._new_plan(customer, survivor.plan.subject, second, S.MERGED)
        written = advance(survivor.plan.created_at, self._minutes(45, 240), CUSTOMER_HOURS)
        body = text.DUPLICATE_OPENING.format(canal=CHANNEL_WORDS[first]) + survivor.fill(tale.opening)
        merged = advance(written, self._minutes(10, 60), AGENT_HOURS)
        duplicate.beats += [Beat(Step.CREATE, REQUESTER, written, body, second),
                            Beat(Step.MERGE, SUPERVISOR, merged, other=survivor.plan.id)]
        self._fit(survivor.plan, duplicate)

    @staticmethod
    def _written_case(plan: TicketPlan, customer: CustomerSpec, values: dict[str, str]) -> _Case:
        """A case whose beats are written out by hand: it only lends agents' greetings and signature."""
        return _Case(plan, customer, STORIES[0], values, Priority.NORMAL, [], hello_by_hour=False)

    def _outage(self) -> None:
        """A mail outage: the first report becomes a problem; three other reports are its children."""
        t0 = local(10, 40, on=latest_weekday(1, on_or_before=self.now - timedelta(days=30)))

        def minutes(n: int) -> datetime:
            return t0 + timedelta(minutes=n)

        raul = CUSTOMER_BY_KEY["raul"]
        parent = self._new_plan(raul.key, text.OUTAGE_PARENT_SUBJECT, Channel.EMAIL, S.CLOSED)
        case = self._written_case(parent, raul, {"dominio": raul.domains[0]})
        b = parent.beats
        b.append(Beat(Step.CREATE, REQUESTER, t0, text.OUTAGE_PARENT_OPENING
                      + text.CUSTOMER_SIGNATURE.format(cliente=raul.name), Channel.EMAIL))
        b.append(Beat(Step.UPDATE, SUPERVISOR, minutes(8), changes={
            "subject": text.OUTAGE_PROBLEM_SUBJECT, "team": SECOND_LINE, "assignee": "fernanda",
            "priority": Priority.URGENT, "type": TicketType.PROBLEM, "tags": ["correo", "incidente", "mail2"]}))
        b.append(Beat(Step.REFER, "fernanda", minutes(14), text.OUTAGE_REFERRAL))
        b.append(Beat(Step.REPLY, "fernanda", minutes(18), self._agent_text(case, "fernanda", text.OUTAGE_ACK,
                                                                             minutes(18)), Channel.EMAIL))
        for i, (customer, channel) in enumerate((("rosa", Channel.EMAIL), ("gabriel", Channel.CHAT),
                                                 ("claudia", Channel.PORTAL))):
            self._outage_child(parent, i, CUSTOMER_BY_KEY[customer], channel, t0)
        b.append(Beat(Step.NOTE, SUPERVISOR, minutes(45), text.OUTAGE_LINKED_NOTE, Channel.INTERNAL))
        b.append(Beat(Step.NOTE, "colaborador", minutes(58), text.OUTAGE_CAUSE, Channel.INTERNAL))
        b.append(Beat(Step.REPLY, "fernanda", minutes(70), self._agent_text(case, "fernanda", text.OUTAGE_SOLUTION,
                                                                             minutes(70)), Channel.EMAIL))
        b.append(Beat(Step.CUSTOMER, REQUESTER, minutes(82), text.OUTAGE_THANKS, Channel.EMAIL))
        b.append(Beat(Step.UPDATE, "fernanda", minutes(86), changes={"status": S.SOLVED}))
        b.append(Beat(Step.UPDATE, "fernanda", local(9, 20, on=t0 + timedelta(days=3)),
                      changes={"status": S.CLOSED}))

    def _outage_child(self, parent: TicketPlan, i: int, customer: CustomerSpec, channel: str,
                      t0: datetime) -> None:
        subject, opening = text.OUTAGE_CHILDREN[i]
        values = {"dominio": customer.domains[0], "buzon": f"{customer.mailbox}@{customer.domains[0]}"}
        plan = self._new_plan(customer.key, subject.format(**values), channel, S.CLOSED)
        case = self._written_case(plan, customer, values)
        created = t0 + timedelta(minutes=12 + 10 * i)

        def at(n: int) -> datetime:
            return created + timedelta(minutes=n)

        body = opening.format(**values)
        if channel == Channel.EMAIL:
            body += text.CUSTOMER_SIGNATURE.format(cliente=customer.name)
        solved = t0 + timedelta(minutes=72 + i)
        plan.beats += [
            Beat(Step.CREATE, REQUESTER, created, body, channel),
            Beat(Step.UPDATE, SUPERVISOR, at(4), changes={
                "team": SECOND_LINE, "assignee": "fernanda", "priority": Priority.HIGH,
                "type": TicketType.INCIDENT, "tags": ["correo", "incidente"] + list(customer.extra_tags)}),
            Beat(Step.LINK, SUPERVISOR, at(5), other=parent.id, link_kind=LinkKind.PARENT),
            Beat(Step.REPLY, "fernanda", at(9), self._agent_text(case, "fernanda", text.OUTAGE_ACK, at(9)),
                 channel),
            Beat(Step.REPLY, "fernanda", solved, self._agent_text(case, "fernanda", text.OUTAGE_SOLUTION, solved),
                 channel),
            Beat(Step.UPDATE, "fernanda", solved + timedelta(minutes=3), changes={"status": S.SOLVED}),
            Beat(Step.UPDATE, "fernanda", local(9, 5 + i, on=t0 + timedelta(days=3)),
                 changes={"status": S.CLOSED}),
        ]

    def _migration(self) -> None:
        """An enterprise's DNS migration: a parent task and one child task per domain."""
        t0 = local(11, 15, on=latest_weekday(0, on_or_before=self.now - timedelta(days=11)))

        def at(minutes: int = 0, days: int = 0) -> datetime:
            return t0 + timedelta(days=days, minutes=minutes)

        eduardo = CUSTOMER_BY_KEY["eduardo"]
        tags = ["dns", "migración", *eduardo.extra_tags]
        parent = self._new_plan(eduardo.key, text.MIGRATION_SUBJECT, Channel.PORTAL, S.ON_HOLD)
        case = self._written_case(parent, eduardo, {})

        def reply(body: str, when: datetime) -> str:
            return self._agent_text(case, "fernanda", body, when)

        parent.beats += [
            Beat(Step.CREATE, REQUESTER, t0, text.MIGRATION_OPENING, Channel.PORTAL),
            Beat(Step.UPDATE, SUPERVISOR, at(25), changes={
                "team": SECOND_LINE, "assignee": "fernanda", "priority": Priority.HIGH,
                "type": TicketType.TASK, "tags": tags}),
            Beat(Step.REPLY, "fernanda", at(50), reply(text.MIGRATION_PLAN, at(50)), Channel.PORTAL),
            Beat(Step.NOTE, "fernanda", at(200, 1), text.MIGRATION_PROGRESS_NOTE, Channel.INTERNAL),
            Beat(Step.REPLY, "fernanda", at(205, 1), reply(text.MIGRATION_PROGRESS, at(205, 1)), Channel.PORTAL),
            Beat(Step.UPDATE, "fernanda", at(207, 1), changes={"status": S.ON_HOLD}),
            Beat(Step.CUSTOMER, REQUESTER, at(-60, 2), text.MIGRATION_CUSTOMER_REPLY, Channel.PORTAL),
        ]
        ends = (S.CLOSED, S.PENDING_CUSTOMER, S.ON_HOLD)
        for i, ((domain, body), status) in enumerate(zip(text.MIGRATION_CHILDREN, ends, strict=True)):
            child = self._new_plan(eduardo.key, text.MIGRATION_CHILD_SUBJECT.format(dominio=domain),
                                   Channel.EMAIL, status)
            created = at(70 + 5 * i)
            create = {"team": SECOND_LINE, "assignee": "fernanda", "priority": Priority.NORMAL,
                      "type": TicketType.TASK, "tags": tags}
            child.beats += [
                Beat(Step.CREATE, "fernanda", created, reply(body, created), Channel.EMAIL, create),
                Beat(Step.LINK, "fernanda", created + timedelta(minutes=1), other=parent.id,
                     link_kind=LinkKind.PARENT),
            ]
            if status == S.CLOSED:
                child.beats += [
                    Beat(Step.CUSTOMER, REQUESTER, at(-65, 1), text.MIGRATION_CHILD_ANSWER, Channel.EMAIL),
                    Beat(Step.REPLY, "fernanda", at(190, 1), reply(text.MIGRATION_CHILD_SOLUTION, at(190, 1)),
                         Channel.EMAIL),
                    Beat(Step.UPDATE, "fernanda", at(192, 1), changes={"status": S.SOLVED}),
                    Beat(Step.UPDATE, "fernanda", at(-100, 4), changes={"status": S.CLOSED}),
                ]
            else:
                child.beats += [
                    Beat(Step.NOTE, "fernanda", created + timedelta(minutes=2), text.MIGRATION_CHILD_NOTES[i],
                         Channel.INTERNAL),
                    Beat(Step.UPDATE, "fernanda", created + timedelta(minutes=3), changes={"status": status}),
                ]

    def _related_links(self) -> None:
        """Two tickets of one organization about the same story are related (the first four such pairs)."""
        seen: dict[tuple[str | None, str], TicketPlan] = {}
        linked = 0
        for plan in list(self.plans):
            customer = CUSTOMER_BY_KEY[plan.customer]
            if customer.organization is None or plan.status == S.MERGED:
                continue
            key = (customer.organization, plan.subject)
            earlier = seen.setdefault(key, plan)
            if earlier is plan:
                continue
            first, second = sorted((earlier, plan), key=lambda p: p.created_at)
            when = advance(second.created_at + timedelta(minutes=30), 0, AGENT_HOURS)
            if when > self.limit:
                continue
            second.beats.append(Beat(Step.LINK, SUPERVISOR, when, other=first.id, link_kind=LinkKind.RELATED))
            del seen[key]
            linked += 1
            if linked == 4:
                return
