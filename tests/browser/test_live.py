"""Collision detection and live updates in a real browser, over real websockets (the ASGI
server), and over the polling fallback when websockets are blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENGLISH = {  # live.js's fallbacks, used when the page does not provide its own phrases
    "data-viewing-one": "{name} is viewing this ticket.",
    "data-typing-one": "{name} is typing a reply…",
}
POLLING_WAIT_MS = 15_000  # a poll every 5 s on each side, and some room


class Traffic:
    def __init__(self) -> None:
        self.sockets: list[str] = []
        self.polls: list[str] = []


def open_ticket(new_page, asgi_server, login, user, ticket, *, block_websockets=False):
    page = new_page()
    traffic = Traffic()
    page.on("websocket", lambda ws: traffic.sockets.append(ws.url))
    page.on("request", lambda request: "/en-vivo/" in request.url and traffic.polls.append(request.method))
    if block_websockets:
        def refuse(ws) -> None:  # as a proxy that drops upgrades would: the socket closes at once
            traffic.sockets.append(ws.url)
            ws.close(code=1011)

        page.route_web_socket("**/ws/**", refuse)
    login(page, asgi_server, user.email, PASSWORD)
    page.goto(f"{asgi_server.url}/tickets/{ticket.number}/")
    page.evaluate("window.notReloaded = true")
    return page, traffic


def phrase(page, attribute: str, name: str) -> str:
    template = page.locator("#presence").get_attribute(attribute) or ENGLISH[attribute]
    return template.replace("{name}", name)


def scenario(uno, sara, *, timeout: float | None = None) -> None:
    """Uno and Sara have the ticket open: Sara sees Uno there, typing, then his reply appear."""
    wait = {"timeout": timeout} if timeout else {}
    presence = sara.locator("#presence")
    expect(presence).to_contain_text(phrase(sara, "data-viewing-one", "Ulises Uno"), **wait)
    expect(uno.locator("#presence")).to_contain_text(phrase(uno, "data-viewing-one", "Sara Supervisora"), **wait)

    uno.locator("#composer textarea[name=body]").press_sequentially("Ya revisé el DNS, ", delay=60)
    expect(presence).to_contain_text(phrase(sara, "data-typing-one", "Ulises Uno"), **wait)

    uno.locator("#composer textarea[name=body]").press_sequentially("quedó resuelto.", delay=20)
    uno.locator("#composer-send").click()
    expect(uno.locator("#timeline")).to_contain_text("Ya revisé el DNS, quedó resuelto.")

    reply = sara.locator("#timeline > li[data-message-id]").filter(has_text="Ya revisé el DNS, quedó resuelto.")
    expect(reply).to_have_count(1, **wait)
    expect(sara.locator("#presence a[href^='#item-m']")).to_be_visible()  # "a new message arrived"
    expect(presence).not_to_contain_text(phrase(sara, "data-typing-one", "Ulises Uno"), **wait)
    assert sara.evaluate("window.notReloaded") is True


def test_a_second_agent_sees_the_first_viewing_typing_and_replying_live(world, asgi_server, new_page, login):
    uno, _uno_traffic = open_ticket(new_page, asgi_server, login, world.agent1, world.ticket_a)
    sara, sara_traffic = open_ticket(new_page, asgi_server, login, world.supervisor, world.ticket_a)

    scenario(uno, sara)

    uno.close()  # Uno leaves: Sara's page says so at once (the socket closed)
    expect(sara.locator("#presence")).not_to_contain_text("Ulises Uno")
    ticket_sockets = [url for url in sara_traffic.sockets if "/ws/tickets/" in url]  # signing in opened the inbox's
    assert ticket_sockets == [f"{asgi_server.url.replace('http', 'ws')}/ws/tickets/{world.ticket_a.pk}/"]
    assert sara_traffic.polls == []  # all of it came over the socket


def test_with_websockets_blocked_the_pages_fall_back_to_polling(world, asgi_server, new_page, login):
    uno, uno_traffic = open_ticket(new_page, asgi_server, login, world.agent1, world.ticket_a, block_websockets=True)
    sara, sara_traffic = open_ticket(new_page, asgi_server, login, world.supervisor, world.ticket_a, block_websockets=True)

    scenario(uno, sara, timeout=POLLING_WAIT_MS)

    assert uno_traffic.sockets and sara_traffic.sockets  # they tried the socket (and keep retrying)
    assert set(sara_traffic.polls) == {"POST"} and len(sara_traffic.polls) >= 2


def test_a_new_ticket_appears_in_the_inbox_without_reloading(world, asgi_server, new_page, login):
    from atiende.accounts.services import token_issue

    page = new_page()
    login(page, asgi_server, world.agent1.email, PASSWORD)
    page.goto(f"{asgi_server.url}/bandeja/")
    page.evaluate("window.notReloaded = true")
    refreshes: list[str] = []
    page.on("request", lambda request: "/bandeja/filas/" in request.url and refreshes.append(request.url))
    expect(page.locator("#inbox-rows")).to_contain_text(world.ticket_a.subject)

    # Customers write in through the API (the server's thread: the event leaves from there).
    api = page.request
    token = token_issue(user=world.customer_a.user)
    created = api.post(f"{asgi_server.url}/api/v1/tickets/", headers={"Authorization": f"Token {token}"},
                       data={"subject": "La factura no llegó", "body": "¿Me la reenvían?"})
    assert created.status == 201, created.text()

    expect(page.locator("#inbox-rows")).to_contain_text("La factura no llegó")
    assert page.evaluate("window.notReloaded") is True
    assert len(refreshes) == 1

    # A change to another team's ticket does not reach this agent at all.
    admin_token = token_issue(user=world.admin)
    changed = api.patch(f"{asgi_server.url}/api/v1/tickets/{world.ticket_b.pk}/",
                        headers={"Authorization": f"Token {admin_token}"}, data={"priority": "high"})
    assert changed.status == 200, changed.text()
    page.wait_for_timeout(1500)  # more than the refresh's debounce
    assert len(refreshes) == 1


def test_with_websockets_blocked_the_inbox_polls_for_new_tickets(world, asgi_server, new_page, login, settings):
    from atiende.accounts.services import token_issue

    settings.LIVE_INBOX_POLL_SECONDS = 1  # 20 s in production; the same code path, sooner
    page = new_page()
    traffic = Traffic()
    page.on("request", lambda request: "/bandeja/filas/" in request.url and traffic.polls.append(request.url))

    def refuse(ws) -> None:
        traffic.sockets.append(ws.url)
        ws.close(code=1011)

    page.route_web_socket("**/ws/**", refuse)
    login(page, asgi_server, world.agent1.email, PASSWORD)
    page.goto(f"{asgi_server.url}/bandeja/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#inbox-rows")).to_contain_text(world.ticket_a.subject)
    for _ in range(100):  # the first poll goes out as soon as the socket fails
        if traffic.polls:
            break
        page.wait_for_timeout(100)
    assert traffic.polls, "the inbox did not start polling"

    token = token_issue(user=world.customer_a.user)  # after that first poll: a later one must find it
    created = page.request.post(f"{asgi_server.url}/api/v1/tickets/", headers={"Authorization": f"Token {token}"},
                                data={"subject": "El correo rebota", "body": "Desde ayer."})
    assert created.status == 201, created.text()

    expect(page.locator("#inbox-rows")).to_contain_text("El correo rebota", timeout=POLLING_WAIT_MS)
    assert page.evaluate("window.notReloaded") is True
    assert any("/ws/inbox/" in url for url in traffic.sockets)  # it tried the socket first
    assert len(traffic.polls) >= 2


def test_a_refresh_keeps_the_row_the_agent_stands_on(world, asgi_server, new_page, login, settings):
    """j/k mark the current row; the rows a poll (or a socket event) brings back keep that mark."""
    settings.LIVE_INBOX_POLL_SECONDS = 1
    page = new_page()
    refreshed: list[str] = []
    page.on("response", lambda response: "/bandeja/filas/" in response.url and refreshed.append(response.url))
    page.route_web_socket("**/ws/**", lambda ws: ws.close(code=1011))
    login(page, asgi_server, world.agent1.email, PASSWORD)
    page.goto(f"{asgi_server.url}/bandeja/")
    current = page.locator("#inbox-rows tr.is-current")
    expect(page.locator("#inbox-rows")).to_contain_text(world.ticket_a.subject)
    page.locator("#inbox-title").click()
    page.keyboard.press("j")
    url = current.get_attribute("data-ticket-url")
    seen = len(refreshed)
    for _ in range(100):
        if len(refreshed) >= seen + 2:  # two polls later, the rows have been replaced
            break
        page.wait_for_timeout(100)
    assert len(refreshed) >= seen + 2, "the inbox did not poll"
    page.wait_for_timeout(300)  # the last response swapped in
    expect(current).to_have_attribute("data-ticket-url", url)
    expect(current.locator("a.ticket-link")).to_be_focused()
