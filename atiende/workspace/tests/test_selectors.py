"""Inbox reads: views, filters, keyset pages, capped counts and quick search, always in scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from atiende.core import clock
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_update
from atiende.workspace import selectors
from atiende.workspace.params import InboxFilters, InboxQuery, parse_query
from atiende.workspace.selectors import (
    BUILTIN_VIEWS,
    inbox_page,
    inbox_query,
    view_counts,
)

from .conftest import START

pytestmark = pytest.mark.django_db


def numbers(page) -> list[int]:
    return [row.ticket.number for row in page.rows]


def view_numbers(user, key: str) -> list[int]:
    resolved = inbox_query(user=user, data={"view": [key]})
    return numbers(inbox_page(user=user, query=resolved.query))


def test_built_in_views_list_what_their_names_say(world, make_tickets):
    mine, pending, solved_old, solved_new = make_tickets(4)
    ticket_update(actor=world.admin, ticket=mine, changes={"assignee": world.agent1})
    ticket_update(actor=world.admin, ticket=pending, changes={"status": "pending_customer"})
    with clock.frozen_at(clock.now() - timedelta(days=8)):
        ticket_update(actor=world.admin, ticket=solved_old, changes={"status": "solved"}, details={"outcome": "solved"})
    ticket_update(actor=world.admin, ticket=solved_new, changes={"status": "solved"}, details={"outcome": "solved"})
    a = world.ticket_a.number

    assert view_numbers(world.agent1, "mine") == [mine.number]
    assert view_numbers(world.agent1, "unassigned") == [pending.number, a]
    assert view_numbers(world.agent1, "open") == [pending.number, mine.number, a]
    assert view_numbers(world.agent1, "pending") == [pending.number]
    assert view_numbers(world.agent1, "solved") == [solved_new.number]
    # Team 2's ticket is in the supervisor's "all open", never in agent 1's.
    assert world.ticket_b.number in view_numbers(world.supervisor, "open")
    assert view_numbers(world.supervisor, "unassigned") == []  # the supervisor is in no team


def test_each_filter(world, make_tickets):
    urgent, tagged, by_email = make_tickets(3)
    ticket_update(actor=world.admin, ticket=urgent, changes={"priority": "urgent", "assignee": world.agent1})
    ticket_update(actor=world.admin, ticket=tagged, changes={"tags": ["Facturación"]})
    Ticket.objects.filter(pk=by_email.pk).update(channel="email")  # no service sets a ticket's channel afterwards

    def found(**params) -> list[int]:
        query, notes = parse_query({key: value if isinstance(value, list) else [value] for key, value in params.items()})
        assert notes == []
        return sorted(numbers(inbox_page(user=world.admin, query=query)))

    assert found(priority="urgent") == [urgent.number]
    assert found(status=["new", "open"], assignee="none") == sorted([tagged.number, by_email.number, world.ticket_a.number, world.ticket_b.number])
    assert found(assignee="me") == []
    assert found(assignee=str(world.agent1.pk)) == [urgent.number]
    assert found(team=str(world.team2.pk)) == [world.ticket_b.number]
    assert found(organization=str(world.org_b.pk)) == [world.ticket_b.number]
    assert found(tag="facturación") == [tagged.number]
    assert found(channel="email") == [by_email.number]
    assert found(tag="nothing-like-it") == []


def walk(user, query: InboxQuery) -> list[list[int]]:
    pages = []
    while True:
        page = inbox_page(user=user, query=query)
        pages.append(numbers(page))
        if page.next_cursor is None:
            return pages
        query = InboxQuery(view=query.view, filters=query.filters, sort=query.sort, after=page.next_cursor)


def test_keyset_pages_cover_every_ticket_once_in_order_even_with_equal_timestamps(world, make_tickets):
    make_tickets(60, at=START)  # 60 tickets updated at the same instant: the id breaks the tie
    make_tickets(65)
    everything = list(
        Ticket.objects.order_by("-updated_at", "-id").values_list("number", flat=True)
    )
    pages = walk(world.admin, InboxQuery())

    assert [len(p) for p in pages] == [50, 50, 27]
    assert [n for p in pages for n in p] == everything


def test_previous_goes_back_one_page_and_to_a_full_first_page(world, make_tickets):
    make_tickets(120)
    first = inbox_page(user=world.admin, query=InboxQuery())
    second = inbox_page(user=world.admin, query=InboxQuery(after=first.next_cursor))
    third = inbox_page(user=world.admin, query=InboxQuery(after=second.next_cursor))

    back = inbox_page(user=world.admin, query=InboxQuery(before=third.previous_cursor))
    assert numbers(back) == numbers(second)
    assert back.previous_cursor is not None and back.next_cursor is not None
    home = inbox_page(user=world.admin, query=InboxQuery(before=back.previous_cursor))
    assert numbers(home) == numbers(first) and home.previous_cursor is None
    assert first.previous_cursor is None and len(numbers(third)) == 22


def test_priority_sort_walks_urgent_to_low_then_most_recent(world, make_tickets):
    tickets = make_tickets(110)
    for i, ticket in enumerate(tickets):
        with clock.frozen_at(START + timedelta(hours=1, minutes=i)):
            ticket_update(actor=world.admin, ticket=ticket, changes={"priority": ["low", "urgent", "normal", "high"][i % 4]})
    rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    expected = [
        t.number for t in sorted(Ticket.objects.all(), key=lambda t: (rank[t.priority], -t.updated_at.timestamp(), -t.pk))
    ]
    pages = walk(world.admin, InboxQuery(sort="priority"))

    assert [n for p in pages for n in p] == expected
    page_two = inbox_page(user=world.admin, query=InboxQuery(sort="priority", after=inbox_page(
        user=world.admin, query=InboxQuery(sort="priority")).next_cursor))
    back = inbox_page(user=world.admin, query=InboxQuery(sort="priority", before=page_two.previous_cursor))
    assert numbers(back) == pages[0]
    # Filtering by priority skips the other segments.
    only_high = walk(world.admin, InboxQuery(sort="priority", filters=InboxFilters(priorities=("high",))))
    assert [n for p in only_high for n in p] == [n for n in expected if Ticket.objects.get(number=n).priority == "high"]


def test_sla_sort_lists_running_deadlines_nearest_first(world, make_tickets):
    later, sooner, none = make_tickets(3)
    # The SLA service keeps this summary; set it directly to order by it without a policy.
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=START + timedelta(hours=5))
    Ticket.objects.filter(pk=sooner.pk).update(sla_due_at=START + timedelta(hours=1))

    assert numbers(inbox_page(user=world.admin, query=InboxQuery(sort="sla"))) == [sooner.number, later.number]


def test_created_sort(world, make_tickets):
    first, second = make_tickets(2)
    with clock.frozen_at(START + timedelta(days=1)):
        ticket_update(actor=world.admin, ticket=first, changes={"priority": "high"})

    page = inbox_page(user=world.admin, query=InboxQuery(sort="created", filters=InboxFilters(team=str(world.team1.pk))))
    assert numbers(page) == [world.ticket_a.number, second.number, first.number]


def test_counts_match_the_views_and_stop_at_the_cap(world, make_tickets, django_assert_num_queries):
    make_tickets(5)
    views = selectors.inbox_views(user=world.agent1)
    selectors.team_ids_of(world.agent1)  # the scope's team list is read once per request

    with django_assert_num_queries(1):
        counts = view_counts(user=world.agent1, views=views)
    assert counts == {"mine": 0, "unassigned": 6, "open": 6, "pending": 0, "solved": 0}
    assert view_counts(user=world.agent1, views=views, cap=3)["open"] == 4  # shown as "3+"


def test_counts_of_an_agent_in_no_team(world):
    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create

    loner = agent_create(email="solo@example.mx", name="Sol Solo", role=Role.AGENT, password="x" * 12)

    counts = view_counts(user=loner, views=selectors.inbox_views(user=loner))
    assert counts == {"mine": 0, "unassigned": 0, "open": 0, "pending": 0, "solved": 0}


def test_saved_views_are_only_their_owners(world):
    from atiende.workspace.services import saved_view_create

    saved = saved_view_create(owner=world.agent1, name="Urgentes", filters=InboxFilters(priorities=("urgent",)), ordering="priority")

    assert [v.key for v in selectors.inbox_views(user=world.agent1)] == [v.key for v in BUILTIN_VIEWS] + [str(saved.pk)]
    assert [v.key for v in selectors.inbox_views(user=world.agent2)] == [v.key for v in BUILTIN_VIEWS]
    resolved = inbox_query(user=world.agent2, data={"view": [str(saved.pk)]})
    assert resolved.view is None and resolved.query.filters == InboxFilters() and len(resolved.notes) == 1
    mine = inbox_query(user=world.agent1, data={"view": [str(saved.pk)]})
    assert mine.query.filters == InboxFilters(priorities=("urgent",)) and mine.query.sort == "priority"


# --- quick search -------------------------------------------------------------------------------

def search(user, text: str) -> list[int]:
    return [t.number for t in selectors.ticket_search(user=user, text=text).tickets]


def test_search_by_number_subject_and_requester(world):
    a = world.ticket_a.number

    assert search(world.agent1, str(a)) == [a]
    assert search(world.agent1, f"#{a}") == [a]
    assert search(world.agent1, "DOMINIO") == [a]
    assert search(world.agent1, "ana cli") == [a]
    assert search(world.agent1, "ana@tienda-a") == [a]
    assert search(world.agent1, "zzz-nothing") == []
    assert selectors.ticket_search(user=world.agent1, text=" x ").too_short


def test_search_never_finds_a_ticket_outside_the_agents_scope(world):
    b = world.ticket_b  # team 2: agent 1 may not see it

    for text in (str(b.number), f"#{b.number}", "Factura", "Bruno", "bruno@empresa-b.mx"):
        assert search(world.agent1, text) == [], text
        assert search(world.supervisor, text) == [b.number], text
    # The collaborator sees only the ticket referred to them.
    assert search(world.collaborator, "Factura") == []
    assert search(world.collaborator, "dominio") == [world.ticket_a.number]


def test_search_puts_the_number_first(world, make_tickets):
    a = world.ticket_a.number
    mentions = make_tickets(1, subject=f"Seguimiento de {a}")[0]

    assert search(world.admin, str(a)) == [a, mentions.number]


def test_search_survives_odd_input(world):
    for text in ("#", "#" * 500, "9" * 40, "%_%", "\x00abc", "' OR 1=1 --"):
        selectors.ticket_search(user=world.agent1, text=text)


def test_no_view_means_no_view_and_nothing_means_the_default(world):
    assert inbox_query(user=world.agent1, data={}).view.key == "open"
    assert inbox_query(user=world.agent1, data={"after": ["x"]}).view.key == "open"
    explicit = inbox_query(user=world.agent1, data={"view": [""]})
    assert explicit.view is None and explicit.query.filters == InboxFilters() and explicit.notes == []
