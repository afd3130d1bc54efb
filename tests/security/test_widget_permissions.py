"""Every widget that lists, counts or streams tickets applies the ticket policy of the API: quick
search and its suggestions, the view counts, the inbox rows with any filter, "their other recent
tickets" and linked tickets on the ticket page, the customer page's history, the polling endpoint
and both websockets. Exact tickets and exact numbers, per viewer.

The tickets (all "Radar …", besides the world's ticket_a of team 1 and ticket_b of team 2):

    R1 customer A, team 1        R3 customer A, team 2        R6 customer B, no team (triage)
    R2 customer B, team 1        R4 customer B, team 2        R7 customer B, team 2
                                 R5 customer B, team 2, referred to agent 1

Agent 1 (team 1) may see ticket_a, R1, R2, R5 (referred) and R6; agent 2 (team 2) ticket_b, R3,
R4, R5, R6 and R7; the collaborator only ticket_a (referred by the world); the supervisor all.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings as django_settings
from django.db.models import Q
from django.test import Client

from atiende.asgi import application
from atiende.core.broadcast import INBOX_GROUP, ticket_group
from atiende.live.consumers import NOT_ALLOWED
from atiende.tickets.models import LinkKind, Priority, TicketLink
from atiende.tickets.services import (
    message_create,
    ticket_create,
    ticket_link,
    ticket_refer,
    ticket_update,
)

from .hostile import scan

pytestmark = pytest.mark.django_db

NAMES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")


@pytest.fixture
def radar(world) -> dict[str, Any]:
    """The tickets above by name, with the world's as "a" and "b"."""
    plan = {
        "R1": (world.customer_a, world.team1), "R2": (world.customer_b, world.team1),
        "R3": (world.customer_a, world.team2), "R4": (world.customer_b, world.team2),
        "R5": (world.customer_b, world.team2), "R6": (world.customer_b, None), "R7": (world.customer_b, world.team2),
    }
    tickets = {
        name: ticket_create(actor=world.admin, subject=f"Radar {name} falla", body="Texto", requester=customer, team=team)
        for name, (customer, team) in plan.items()
    }
    ticket_refer(actor=world.admin, ticket=tickets["R5"], collaborator=world.agent1, note="¿Lo ves tú?")
    return {"a": world.ticket_a, "b": world.ticket_b, **tickets}


VISIBLE = {
    "agent1": {"a", "R1", "R2", "R5", "R6"},
    "agent2": {"b", "R3", "R4", "R5", "R6", "R7"},
    "collaborator": {"a"},
    "supervisor": {"a", "b", *NAMES},
}


def page_client(user) -> Client:
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(user)
    return browser


def linked_numbers(html: str) -> list[int]:
    """Ticket numbers linked from the page, in order, each once."""
    numbers: list[int] = []
    for tag, attrs in scan(html).tags:
        match = re.fullmatch(r"/tickets/(\d+)/", attrs.get("href") or "") if tag == "a" else None
        if match and int(match.group(1)) not in numbers:
            numbers.append(int(match.group(1)))
    return numbers


def names_of(radar: dict[str, Any], numbers: list[int]) -> set[str]:
    by_number = {ticket.number: name for name, ticket in radar.items()}
    unknown = [number for number in numbers if number not in by_number]
    assert unknown == [], "links to tickets that are not part of the test"
    return {by_number[number] for number in numbers}


def section(html: str, start: str, end: str) -> str:
    """The part of `html` from the first `start` to the next `end`."""
    head = html.index(start)
    return html[head:html.index(end, head)]


# --- quick search and suggestions -------------------------------------------------------------------

@pytest.mark.parametrize("who", ["agent1", "agent2", "collaborator", "supervisor"])
def test_search_finds_only_what_the_viewer_may_see(world, radar, who):
    html = page_client(getattr(world, who)).get("/bandeja/buscar/?q=Radar").content.decode()
    expected = VISIBLE[who] & set(NAMES)
    results = section(html, "search-summary", "</main>")
    assert names_of(radar, linked_numbers(results)) == expected
    if expected:
        assert f"{len(expected)} tickets found" in html
    else:
        assert "No ticket you can see matches." in html


@pytest.mark.parametrize("who", ["agent1", "agent2", "collaborator", "supervisor"])
def test_suggestions_offer_only_what_the_viewer_may_see(world, radar, who):
    html = page_client(getattr(world, who)).get("/bandeja/buscar/sugerencias/?q=Radar").content.decode()
    expected = VISIBLE[who] & set(NAMES)
    assert names_of(radar, linked_numbers(html)) == expected
    if expected:
        assert f"{len(expected)} suggestions." in html
    else:
        assert "No ticket you can see matches." in html


@pytest.mark.parametrize(("who", "found"), [("agent1", set()), ("agent2", {"R3"}), ("supervisor", {"R3"})])
def test_searching_by_number_does_not_reveal_another_team_s_ticket(world, radar, who, found):
    browser = page_client(getattr(world, who))
    for query in (str(radar["R3"].number), quote(f"#{radar['R3'].number}"), quote(radar["R3"].reference)):
        results = section(browser.get(f"/bandeja/buscar/?q={query}").content.decode(), "search-summary", "</main>")
        assert names_of(radar, linked_numbers(results)) == found, query
        assert names_of(radar, linked_numbers(browser.get(f"/bandeja/buscar/sugerencias/?q={query}").content.decode())) == found


@pytest.mark.parametrize(("who", "found"), [
    ("agent1", {"R2", "R5", "R6"}), ("agent2", {"b", "R4", "R5", "R6", "R7"}), ("collaborator", set()),
])
def test_searching_by_requester_finds_only_their_visible_tickets(world, radar, who, found):
    browser = page_client(getattr(world, who))
    for query in ("Bruno", "bruno@empresa-b.mx"):
        results = section(browser.get(f"/bandeja/buscar/?q={query}").content.decode(), "search-summary", "</main>")
        assert names_of(radar, linked_numbers(results)) == found, query


# --- counts and inbox rows ----------------------------------------------------------------------------

def view_counts(html: str) -> dict[str, int]:
    """{view key: the count shown}, from the views' links (`<a class="view-link"
    href="/bandeja/?view=KEY">… <span class="count">N…`)."""
    counts: dict[str, int] = {}
    for match in re.finditer(r'<a href="/bandeja/\?view=(\w+)" class="view-link"[^>]*>(.*?)</a>', html, re.DOTALL):
        number = re.search(r'<span class="count">\s*([\d+]+)', match.group(2))
        assert number, match.group(0)
        counts[match.group(1)] = int(number.group(1).rstrip("+"))
    return counts


EXPECTED_COUNTS = {
    # open: every active ticket they may see; mine: assigned to them (none); unassigned in my teams:
    # team tickets with no assignee (not the triage queue, not the referred one)
    "agent1": {"mine": 0, "unassigned": 3, "open": 5, "pending": 0, "solved": 0},
    "agent2": {"mine": 0, "unassigned": 5, "open": 6, "pending": 0, "solved": 0},
    "collaborator": {"mine": 0, "unassigned": 0, "open": 1, "pending": 0, "solved": 0},
    "supervisor": {"mine": 0, "unassigned": 0, "open": 9, "pending": 0, "solved": 0},
}


@pytest.mark.parametrize("who", list(EXPECTED_COUNTS))
def test_view_counts_count_only_what_the_viewer_may_see(world, radar, who):
    browser = page_client(getattr(world, who))
    fragment = browser.get("/bandeja/conteos/?view=open").content.decode()
    inbox = browser.get("/bandeja/?view=open").content.decode()
    assert view_counts(fragment) == EXPECTED_COUNTS[who]
    # The inbox page itself carries no count: it loads them from that fragment.
    assert 'hx-get="/bandeja/conteos/?view=open"' in inbox and '<span class="count">' not in inbox


def test_the_counts_follow_a_ticket_that_moves_out_of_scope(world, radar):
    browser = page_client(world.agent1)
    ticket_update(actor=world.admin, ticket=radar["R1"], changes={"team": world.team2})
    assert view_counts(browser.get("/bandeja/conteos/?view=open").content.decode())["open"] == 4
    assert view_counts(page_client(world.agent2).get("/bandeja/conteos/?view=open").content.decode())["open"] == 7


@pytest.mark.parametrize(("query", "found"), [
    ("view=open", {"a", "R1", "R2", "R5", "R6"}),
    ("view=open&team={team2}", {"R5"}),  # another team's filter shows only what was referred
    ("view=open&organization={org_b}", {"R2", "R5", "R6"}),
    ("view=open&assignee=none", {"a", "R1", "R2", "R5", "R6"}),
    ("view=unassigned", {"a", "R1", "R2"}),
    ("view=open&tag=secreto", set()),
])
def test_inbox_rows_never_hold_a_ticket_outside_scope_whatever_the_filter(world, radar, query, found):
    ticket_update(actor=world.admin, ticket=radar["R4"], changes={"tags": ["secreto"]})
    url = "/bandeja/filas/?" + query.format(team2=world.team2.pk, org_b=world.org_b.pk)
    browser = page_client(world.agent1)
    assert names_of(radar, linked_numbers(browser.get(url).content.decode())) == found
    whole = browser.get(url.replace("/filas/", "/")).content.decode()
    assert names_of(radar, linked_numbers(section(whole, '<tbody id="inbox-rows"', "</tbody>"))) == found
    assert "Radar R4" not in whole and "Radar R3" not in whole and "Radar R7" not in whole


# --- the ticket page and the customer page ----------------------------------------------------------

@pytest.mark.parametrize(("who", "ticket", "others"), [
    ("agent1", "a", {"R1"}),  # customer A's R3 is team 2's
    ("agent2", "R3", set()),  # customer A's ticket_a and R1 are team 1's
    ("supervisor", "a", {"R1", "R3"}),
    ("collaborator", "a", set()),
    ("agent1", "R2", {"R5", "R6"}),  # customer B: not ticket_b, R4, R7
    ("agent2", "R4", {"b", "R5", "R6", "R7"}),
])
def test_their_other_recent_tickets_are_only_those_the_viewer_may_see(world, radar, who, ticket, others):
    html = page_client(getattr(world, who)).get(f"/tickets/{radar[ticket].number}/").content.decode()
    recent = section(html, '<ul class="recent-tickets">', "</ul>")
    assert names_of(radar, linked_numbers(recent)) == others
    if not others:
        assert "None that you can see." in recent


def test_linked_tickets_outside_scope_are_left_out_unnamed(world, radar):
    ticket_link(actor=world.admin, source=radar["a"], target=radar["R3"], kind=LinkKind.RELATED)
    ticket_link(actor=world.admin, source=radar["a"], target=radar["R1"], kind=LinkKind.RELATED)
    html = page_client(world.agent1).get(f"/tickets/{radar['a'].number}/").content.decode()
    relations = section(html, '<ul class="relations">', "</ul>")
    assert names_of(radar, linked_numbers(relations)) == {"R1"}
    assert "Radar R3" not in html and f"/tickets/{radar['R3'].number}/" not in html
    admin_html = page_client(world.supervisor).get(f"/tickets/{radar['a'].number}/").content.decode()
    assert names_of(radar, linked_numbers(section(admin_html, '<ul class="relations">', "</ul>"))) == {"R1", "R3"}


def test_merging_or_linking_an_unseen_ticket_by_number_names_nothing(world, radar):
    browser = page_client(world.agent1)
    for action in ("fusionar", "vincular"):
        response = browser.post(f"/tickets/{radar['a'].number}/{action}/", {"target": radar["R3"].number, "kind": "related"})
        assert response.status_code in (400, 404), (action, response.status_code)
        assert "Radar R3" not in response.content.decode()
    assert TicketLink.objects.filter(Q(source=radar["R3"]) | Q(target=radar["R3"])).count() == 0
    assert radar["R3"].__class__.objects.get(pk=radar["R3"].pk).merged_into_id is None


def test_the_history_does_not_name_a_linked_ticket_the_viewer_may_not_see(world, radar):
    ticket_link(actor=world.admin, source=radar["a"], target=radar["R3"], kind=LinkKind.RELATED)
    ticket_link(actor=world.admin, source=radar["R3"], target=radar["R1"], kind=LinkKind.PARENT)
    for ticket in ("a", "R1"):
        html = page_client(world.agent1).get(f"/tickets/{radar[ticket].number}/").content.decode()
        assert radar["R3"].reference not in html, ticket
        events = world.client_for(world.agent1).get(f"/api/v1/tickets/{radar[ticket].pk}/events/").json()["results"]
        named = [e["new_value"] for e in events if e["field"] in ("related_to", "parent_of", "child_of")]
        assert named and radar["R3"].reference not in named, ticket


@pytest.mark.parametrize(("who", "customer", "history"), [
    ("agent1", "customer_a", {"a", "R1"}),
    ("agent2", "customer_a", {"R3"}),
    ("supervisor", "customer_a", {"a", "R1", "R3"}),
    ("agent1", "customer_b", {"R2", "R5", "R6"}),
    ("agent2", "customer_b", {"b", "R4", "R5", "R6", "R7"}),
])
def test_the_customer_page_history_holds_only_visible_tickets(world, radar, who, customer, history):
    html = page_client(getattr(world, who)).get(f"/clientes/{getattr(world, customer).pk}/").content.decode()
    rows = section(html, "<tbody>", "</tbody>")
    assert names_of(radar, linked_numbers(rows)) == history
    hidden = set(radar) - history
    assert not [name for name in hidden if f"Radar {name} " in html]


@pytest.mark.parametrize("who", ["customer", "collaborator"])
def test_the_customer_page_is_not_found_for_those_who_may_not_read_customers(world, radar, who):
    user = world.customer_a.user if who == "customer" else world.collaborator
    response = page_client(user).get(f"/clientes/{world.customer_a.pk}/")
    assert response.status_code in (302, 404)
    assert "Radar" not in response.content.decode()


def test_the_timeline_fragment_of_an_unseen_ticket_is_not_found(world, radar):
    first = radar["b"].messages.order_by("id").first()
    response = page_client(world.agent1).get(f"/tickets/{radar['b'].number}/conversacion/?despues={first.pk}")
    assert response.status_code == 404


# --- live updates: polling ----------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "ticket", "status"), [
    ("agent1", "a", 200), ("agent1", "R5", 200), ("agent1", "R6", 200),
    ("agent1", "b", 404), ("agent1", "R3", 404), ("agent2", "a", 404), ("collaborator", "R1", 404),
    ("collaborator", "a", 200), ("customer", "a", 404), ("anonymous", "a", 404),
])
def test_the_polling_endpoint_answers_only_agents_who_may_see_the_ticket(world, radar, who, ticket, status):
    if who == "anonymous":
        browser = Client()
    else:
        browser = page_client(world.customer_a.user if who == "customer" else getattr(world, who))
    url = f"/en-vivo/tickets/{radar[ticket].pk}/"
    got = browser.get(url)
    posted = browser.post(url, {"state": "typing", "tab": "t1"})
    assert (got.status_code, posted.status_code) == (status, status)
    if status == 200:
        last = radar[ticket].messages.order_by("-created_at", "-id").first()
        assert got.json() == {"viewers": [], "typing": [], "last_message_id": last.pk}
    else:
        assert "viewers" not in got.json()


def test_presence_recorded_by_someone_refused_is_not_recorded(world, radar):
    intruder, owner = page_client(world.agent1), page_client(world.agent2)
    url = f"/en-vivo/tickets/{radar['b'].pk}/"
    assert intruder.post(url, {"state": "typing", "tab": "t1"}).status_code == 404
    assert owner.get(url).json()["viewers"] == []
    assert owner.post(url, {"state": "typing", "tab": "t2"}).status_code == 200
    assert page_client(world.supervisor).get(url).json()["typing"] == ["Diana Dos"]
    assert intruder.get(url).status_code == 404  # nor who is there


def test_an_internal_note_moves_last_message_id_only_for_agents(world, radar):
    note = message_create(actor=world.agent1, ticket=radar["a"], body="Nota interna", internal=True)
    assert page_client(world.agent1).get(f"/en-vivo/tickets/{radar['a'].pk}/").json()["last_message_id"] == note.pk


# --- live updates: websockets ------------------------------------------------------------------------

class Socket(ApplicationCommunicator):
    """A websocket client through the whole ASGI stack (origin check, session, routing).
    `channels.testing.WebsocketCommunicator` needs Daphne, which we do not ship; this is the same
    thin layer over asgiref's communicator."""

    def __init__(self, path: str, user=None) -> None:
        headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
        if user is not None:
            browser = Client()
            browser.force_login(user)
            cookie = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
            headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        super().__init__(application, {"type": "websocket", "path": path, "query_string": b"", "headers": headers,
                                       "subprotocols": []})

    async def open(self) -> dict:
        """Connect; return the first thing the server says after accepting (a greeting or a close)."""
        await self.send_input({"type": "websocket.connect"})
        accepted = await self.receive_output(1)
        assert accepted["type"] == "websocket.accept", accepted
        return await self.next()

    async def next(self, timeout: float = 1) -> dict:
        output = await self.receive_output(timeout)
        if output["type"] == "websocket.send":
            return json.loads(output["text"])
        return output  # {"type": "websocket.close", "code": ...}

    async def close(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


@pytest.fixture
def _fresh_channel_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


CLOSED = {"type": "websocket.close", "code": NOT_ALLOWED}
NOBODY = {"type": "presence", "viewers": [], "typing": []}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_fresh_channel_layer")
def test_ticket_sockets_open_only_for_agents_who_may_see_the_ticket(world, radar):
    cases = [
        (world.agent1, "a", NOBODY), (world.agent1, "R5", NOBODY), (world.agent1, "R6", NOBODY),
        (world.agent1, "b", CLOSED), (world.agent1, "R3", CLOSED), (world.agent2, "R1", CLOSED),
        (world.collaborator, "R1", CLOSED), (world.collaborator, "a", NOBODY), (world.customer_a.user, "a", CLOSED),
    ]
    sockets = [(Socket(f"/ws/tickets/{radar[name].pk}/", user), name, expected) for user, name, expected in cases]

    async def scenario():
        for socket, name, expected in sockets:
            assert (name, await socket.open()) == (name, expected)
            await socket.close()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_fresh_channel_layer")
def test_inbox_sockets_hear_exactly_the_ids_their_agent_may_see(world, radar):
    everyone = {who: Socket("/ws/inbox/", getattr(world, who)) for who in ("agent1", "agent2", "collaborator", "supervisor")}
    order = ["b", "R3", "a", "R5", "R6", "R7", "R1"]
    ids = [radar[name].pk for name in order]

    async def scenario():
        for socket in everyone.values():
            assert await socket.open() == {"type": "ready"}
        await get_channel_layer().group_send(INBOX_GROUP, {"type": "ticket.changed", "ticket_ids": ids})
        for who, socket in everyone.items():
            heard = await socket.next()
            visible = [radar[name].pk for name in order if name in VISIBLE[who]]
            assert heard == {"type": "ticket.changed", "ticket_ids": visible}, who
        await get_channel_layer().group_send(INBOX_GROUP, {"type": "ticket.changed", "ticket_ids": [radar["R3"].pk]})
        assert await everyone["agent2"].next() == {"type": "ticket.changed", "ticket_ids": [radar["R3"].pk]}
        assert await everyone["supervisor"].next() == {"type": "ticket.changed", "ticket_ids": [radar["R3"].pk]}
        assert await everyone["agent1"].receive_nothing(0.2)
        assert await everyone["collaborator"].receive_nothing(0.2)
        for socket in everyone.values():
            await socket.close()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_fresh_channel_layer")
def test_a_ticket_socket_hears_nothing_of_other_tickets_and_is_dropped_when_its_ticket_leaves_scope(world, radar):
    uno = Socket(f"/ws/tickets/{radar['R1'].pk}/", world.agent1)
    dos = Socket(f"/ws/tickets/{radar['R3'].pk}/", world.agent2)

    async def scenario():
        assert await uno.open() == NOBODY
        assert await dos.open() == NOBODY
        # Activity on team 2's ticket (presence, a message, a change) never reaches agent 1.
        await dos.send_input({"type": "websocket.receive", "text": json.dumps({"type": "typing"})})
        await database_sync_to_async(message_create)(actor=world.agent2, ticket=radar["R3"], body="Hola", internal=True)
        await database_sync_to_async(ticket_update)(actor=world.admin, ticket=radar["R3"], changes={"priority": Priority.HIGH})
        assert (await dos.next())["type"] == "message.created"
        assert await dos.next() == {"type": "ticket.updated", "mine": False}
        assert await uno.receive_nothing(0.2)
        # An event for a ticket no longer in scope closes the socket before telling anything.
        await database_sync_to_async(ticket_update)(actor=world.admin, ticket=radar["R1"], changes={"team": world.team2})
        assert await uno.next() == CLOSED
        await dos.close()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_fresh_channel_layer")
def test_a_forged_event_for_another_ticket_group_cannot_be_sent_by_a_client(world, radar):
    """The browser can only report its own presence: anything else it sends closes its socket."""
    uno = Socket(f"/ws/tickets/{radar['a'].pk}/", world.agent1)
    dos = Socket(f"/ws/tickets/{radar['b'].pk}/", world.agent2)

    async def scenario():
        assert await uno.open() == NOBODY
        assert await dos.open() == NOBODY
        for forged in ({"type": "message.created", "message_id": 1, "ticket_id": radar["b"].pk},
                       {"type": "presence.changed", "group": ticket_group(radar["b"].pk)},
                       {"type": "ticket.changed", "ticket_ids": [radar["b"].pk]}):
            await uno.send_input({"type": "websocket.receive", "text": json.dumps(forged)})
        assert await dos.receive_nothing(0.2)
        closed = await uno.receive_output()
        assert (closed["type"], closed["code"]) == ("websocket.close", 4400)  # live.frames.BAD_FRAME
        await uno.close()
        await dos.close()

    async_to_sync(scenario)()
