"""Load the Spanish demo data, once, through our own services.

`load_demo_data()` builds the company (teams, agents), the support plans, three organizations and
their contacts, individual customers and 200 tickets whose conversations are played in time order
(see `plan.py`), each service call with the clock pinned to the moment it happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from atiende.accounts.models import Team, User
from atiende.accounts.services import agent_create, team_create
from atiende.core import clock
from atiende.customers.models import Customer, Organization, Sector, SupportPlan
from atiende.customers.services import customer_create, organization_create
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import Channel, Message, Ticket
from atiende.tickets.services import (
    channel_message_create,
    channel_ticket_create,
    message_create,
    ticket_create,
    ticket_link,
    ticket_merge,
    ticket_refer,
    ticket_update,
)
from atiende.tickets.services.lifecycle import CUSTOMER_CHANNELS

from .appointments import load_demo_appointments
from .assets import load_demo_assets
from .credits import load_demo_credits
from .history import HistoryTicket, plan_history, signed
from .kb import load_demo_bot, load_demo_kb
from .maintenance import load_demo_maintenance
from .people import (
    ADMIN,
    AGENTS,
    COLLABORATOR,
    CUSTOMERS,
    FIRST_LINE,
    ORGANIZATIONS,
    PASSWORD,
    PLANS,
    SECOND_LINE,
    TEAMS,
)
from .plan import REQUESTER, Beat, Step, TicketPlan, plan_tickets
from .returns import load_demo_rmas
from .surveys import demo_outcome, load_demo_nps, load_demo_surveys

ADMIN_EMAIL = next(a.email for a in AGENTS if a.key == ADMIN)
# People and organizations exist this long before the load; the oldest ticket is ~90 days old.
ACCOUNTS_AGE = timedelta(days=200)  # before the six months of history


@dataclass(frozen=True)
class DemoSummary:
    """What one load created (all zero when the demo data was there already)."""

    created: bool
    users: int = 0
    teams: int = 0
    organizations: int = 0
    customers: int = 0
    tickets: int = 0
    messages: int = 0


@dataclass
class _World:
    teams: dict[str, Team]
    agents: dict[str, User]
    customers: dict[str, Customer]

    def resolve(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Plan keys to rows: team and assignee are named by key in the plan."""
        resolved = dict(changes)
        if "team" in changes:
            resolved["team"] = self.teams[changes["team"]] if changes["team"] else None
        if "assignee" in changes:
            resolved["assignee"] = self.agents[changes["assignee"]] if changes["assignee"] else None
        return resolved


def load_demo_data(*, now: datetime | None = None) -> DemoSummary:
    """Create the demo data unless its administrator exists already.

    One transaction: a failure leaves nothing half-done, and a second run (or one racing this
    one, on SQLite where transactions begin IMMEDIATE) finds the administrator and creates
    nothing. `now` is when the load happens; every timestamp falls before it. Mail the services
    queue (referral notices) is sent after the commit.
    """
    now = now or clock.now()
    with transaction.atomic():
        admin = User.objects.filter(email=ADMIN_EMAIL).first()
        if admin is not None:
            load_demo_kb(author=admin, now=now)  # a demo made before the knowledge base gets it now
            load_demo_assets(actor=admin, now=now)  # and one made before products and assets, those
            load_demo_bot(admin=admin)  # and one made before the bot, the bot on the chat
            load_demo_rmas(actor=admin, now=now)  # and before returns and repairs
            load_demo_credits(now=now)  # and before goodwill credits
            load_demo_maintenance(actor=admin, now=now)
            load_demo_appointments(actor=admin, now=now)  # (and appointments)
            return DemoSummary(created=False)
        before = _counts()
        world = _build_world(at=now - ACCOUNTS_AGE)
        _play_history(world, plan_history(now=now), now=now)  # first: older tickets, lower numbers
        plans = plan_tickets(now=now)
        tickets = _play(world, plans)
        _check_statuses(plans, tickets)
        load_demo_kb(author=User.objects.get(email=ADMIN_EMAIL), now=now)
        load_demo_assets(actor=User.objects.get(email=ADMIN_EMAIL), now=now)
        load_demo_bot(admin=User.objects.get(email=ADMIN_EMAIL))
        load_demo_rmas(actor=User.objects.get(email=ADMIN_EMAIL), now=now)
        load_demo_credits(now=now)
        load_demo_maintenance(actor=User.objects.get(email=ADMIN_EMAIL), now=now)
        load_demo_appointments(actor=User.objects.get(email=ADMIN_EMAIL), now=now)
        load_demo_surveys(now=now)
        load_demo_nps(now=now)
        after = _counts()
    return DemoSummary(created=True, **{name: after[name] - before[name] for name in after})


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "organizations": Organization.objects.count(),
        "customers": Customer.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
    }


def _build_world(*, at: datetime) -> _World:
    with clock.frozen_at(at):
        admin_spec, *others = AGENTS
        admin = agent_create(email=admin_spec.email, name=admin_spec.name, role=admin_spec.role, password=PASSWORD)
        teams = {t.key: team_create(actor=admin, name=t.name, description=t.description) for t in TEAMS}
        # team_update does not take the next-tier team yet; this is the one field set directly.
        Team.objects.filter(pk=teams[FIRST_LINE].pk).update(escalation_team=teams[SECOND_LINE])
        agents = {ADMIN: admin}
        for spec in others:
            agents[spec.key] = agent_create(email=spec.email, name=spec.name, role=spec.role, password=PASSWORD,
                                            teams=[teams[key] for key in spec.teams])
        # Support plans have no service: they are configuration, kept in the Django admin.
        plans = {p.name: SupportPlan.objects.create(name=p.name, description=p.description) for p in PLANS}
        _create_sla_policies(admin, plans)
        sectors = {s.key: s for s in Sector.objects.filter(key__in={o.sector for o in ORGANIZATIONS})}
        organizations = {
            o.key: organization_create(
                actor=None, name=o.name, segment=o.segment, sector=sectors[o.sector], support_plan=plans[o.plan],
                account_manager=agents[o.account_manager] if o.account_manager else None, notes=o.notes,
            )
            for o in ORGANIZATIONS
        }
        customers = {
            c.key: customer_create(
                name=c.name, identities=c.identities,
                organization=organizations[c.organization] if c.organization else None,
                is_organization_admin=c.organization_admin, password=c.password,
            )
            for c in CUSTOMERS
        }
    return _World(teams, agents, customers)


def _create_sla_policies(admin: User, plans: dict[str, SupportPlan]) -> None:
    """Service levels as the plans promise them (people.PLANS), urgent problems 24/7 for everyone."""
    office = Calendar.objects.get(name="Horario de oficina (CDMX)").pk
    always = Calendar.objects.get(name="24/7").pk
    hours = 60
    for position, (name, condition, targets) in enumerate((
        ("Urgente 24/7", {"priorities": ["urgent"]}, (always, 1 * hours, 2 * hours, 8 * hours)),
        ("Empresarial", {"support_plans": [plans["Empresarial"].pk]}, (always, 1 * hours, 2 * hours, 24 * hours)),
        ("Negocio", {"support_plans": [plans["Negocio"].pk]}, (office, 4 * hours, 4 * hours, 24 * hours)),
        ("Básico", {}, (office, 8 * hours, 8 * hours, 40 * hours)),
    )):
        calendar, first, following, resolution = targets
        policy_create(
            actor=admin, name=name, position=10 * (position + 1), conditions=condition,
            targets={"first_response": {"minutes": first, "calendar": calendar},
                     "next_response": {"minutes": following, "calendar": calendar},
                     "resolution": {"minutes": resolution, "calendar": calendar}},
            actions={"escalate_on_breach": name == "Urgente 24/7"},
        )


def _play(world: _World, plans: list[TicketPlan]) -> dict[int, Ticket]:
    """Perform every beat of every plan in time order, with the clock pinned to each beat."""
    beats = sorted(
        ((beat.at, plan.id, index, plan, beat) for plan in plans for index, beat in enumerate(plan.beats)),
        key=lambda item: item[:3],
    )
    tickets: dict[int, Ticket] = {}
    for at, _, _, plan, beat in beats:
        with clock.frozen_at(at):
            _perform(world, plan, beat, tickets)
    return tickets


def _play_history(world: _World, plans: list[HistoryTicket], *, now: datetime) -> None:
    """Six months of finished tickets (history.py), each beat at its time; beats after `now` wait."""
    for plan in plans:
        requester = world.customers[plan.customer]
        ticket = None
        for beat in plan.beats:
            if beat.at >= now:
                break
            with clock.frozen_at(beat.at):
                ticket = _perform_history(world, plan, beat, requester, ticket)


def _perform_history(world: _World, plan: HistoryTicket, beat, requester: Customer, ticket: Ticket | None) -> Ticket:
    if beat.step == "create":
        if plan.channel == Channel.PORTAL and requester.user is not None:
            return ticket_create(actor=requester.user, subject=plan.subject, body=beat.text, channel=Channel.PORTAL)
        return channel_ticket_create(requester=requester, subject=plan.subject, body=beat.text,
                                     channel=plan.channel)[0]
    assert ticket is not None
    agent = world.agents.get(beat.actor) or world.agents[ADMIN]  # the requester's beats name no agent
    if beat.step == "reply":
        if ticket.assignee_id != agent.pk or ticket.team_id != world.teams[plan.team].pk:
            ticket_update(actor=agent, ticket=ticket,
                          changes={"team": world.teams[plan.team], "assignee": agent, **plan.triage})
        message_create(actor=agent, ticket=ticket, body=signed(beat.text, agent.name), channel=plan.channel)
    elif beat.step == "customer":
        if requester.user is not None and plan.channel == Channel.PORTAL:
            message_create(actor=requester.user, ticket=ticket, body=beat.text, channel=Channel.PORTAL)
        else:
            channel_message_create(ticket=ticket, author=requester, body=beat.text, channel=plan.channel)
    elif beat.step == "solve":
        ticket_update(actor=agent, ticket=ticket, changes={"status": "solved"}, details=demo_outcome(plan.id))
    elif beat.step == "close":
        ticket_update(actor=agent, ticket=ticket, changes={"status": "closed"})
    ticket.refresh_from_db()
    return ticket


def _perform(world: _World, plan: TicketPlan, beat: Beat, tickets: dict[int, Ticket]) -> None:
    requester = world.customers[plan.customer]
    actor = requester.user if beat.actor == REQUESTER else world.agents[beat.actor]
    if actor is None:
        raise RuntimeError(f"demo plan error: customer {plan.customer!r} has no login and cannot write")
    changes = world.resolve(beat.changes)
    if beat.step == Step.CREATE:
        if beat.actor == REQUESTER and beat.channel not in CUSTOMER_CHANNELS:  # they wrote by mail, WhatsApp…
            tickets[plan.id], _message = channel_ticket_create(requester=requester, subject=plan.subject,
                                                               body=beat.text, channel=beat.channel)
            return
        on_behalf = {} if beat.actor == REQUESTER else {"requester": requester, **changes}
        tickets[plan.id] = ticket_create(actor=actor, subject=plan.subject, body=beat.text, channel=beat.channel,
                                         **on_behalf)
        return
    ticket = tickets[plan.id]
    if beat.step in (Step.CUSTOMER, Step.REPLY):
        message_create(actor=actor, ticket=ticket, body=beat.text, channel=beat.channel)
    elif beat.step == Step.NOTE:
        message_create(actor=actor, ticket=ticket, body=beat.text, internal=True, channel=Channel.INTERNAL)
    elif beat.step == Step.UPDATE:
        solving = changes.get("status") == "solved" and beat.actor != REQUESTER
        ticket_update(actor=actor, ticket=ticket, changes=changes, details=demo_outcome(plan.id) if solving else None)
    elif beat.step == Step.REFER:
        ticket_refer(actor=actor, ticket=ticket, collaborator=world.agents[COLLABORATOR], note=beat.text)
    elif beat.step == Step.MERGE and beat.other is not None:
        ticket_merge(actor=actor, source=ticket, target=tickets[beat.other])
    elif beat.step == Step.LINK and beat.other is not None:
        ticket_link(actor=actor, source=tickets[beat.other], target=ticket, kind=beat.link_kind)
    else:
        raise RuntimeError(f"demo plan error: cannot perform {beat}")


def _check_statuses(plans: list[TicketPlan], tickets: dict[int, Ticket]) -> None:
    """The services decide statuses; make sure they agree with the plan (else the plan is wrong)."""
    actual = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets.values()]).values_list("pk", "status"))
    wrong = [(p.id, p.status, actual[tickets[p.id].pk]) for p in plans if actual[tickets[p.id].pk] != p.status]
    if wrong:
        raise RuntimeError(f"demo plan and services disagree on statuses (plan id, planned, actual): {wrong[:5]}")
