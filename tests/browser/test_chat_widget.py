"""The chat widget in a real browser, on a company's page served from another origin: a visitor
chats with an agent who answers from the workspace, over websockets and, with websockets
blocked, over the polling fallback; the conversation is then on the customer's timeline."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from atiende.chat.identity import identity_hash
from atiende.chat.models import ChatSession
from atiende.chat.services import site_create
from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "secreto-del-sitio"
SHOP_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Tienda · Envíos</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Envíos a todo México</h1>
<script src="{server}/static/chat/widget.js" data-site="{key}" data-email="{email}" data-proof="{proof}"
        data-name="Ana Cliente" async></script>
</body></html>"""
WAIT_MS = 15_000  # the queue refreshes every 5 s, the polling widget asks every 3 s


class Shop:
    """The company's site: a page of its own on another port (another origin), embedding the
    widget from our server as production does, with CORS and the site's allowed origins."""

    def __init__(self) -> None:
        self.html = ""
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = shop.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def shop() -> Iterator[Shop]:
    server = Shop()
    yield server
    server.server.shutdown()
    server.server.server_close()


def open_shop(new_page, asgi_server, shop, site, *, email: str = "", lang: str = "es-MX", **options):
    page = new_page(**options)
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    shop.html = SHOP_PAGE.format(lang=lang, server=asgi_server.url, key=site.key, email=email,
                                 proof=identity_hash(SECRET, email) if email else "")
    page.goto(f"{shop.origin}/tienda/envios")
    return page, sockets


def agent_at_queue(new_page, asgi_server, login, agent):
    page = new_page()
    login(page, asgi_server, agent.email, PASSWORD)
    page.goto(f"{asgi_server.url}/bandeja/chat/")
    return page


def chat(visitor, agent, question: str, reply: str) -> None:
    """The visitor asks, the agent accepts from the queue and answers from the ticket page."""
    launcher = visitor.locator(".launcher")
    expect(launcher).to_be_visible()
    assert visitor.context.cookies() == []  # the shell set no cookie
    launcher.click()
    visitor.locator("#f-question").fill(question)
    visitor.locator(".prechat button[type=submit]").click()
    expect(visitor.locator(".log li.mine")).to_contain_text(question)

    row = agent.locator(".chat-row").filter(has_text=question)
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("Tienda · Envíos")  # the visitor's current page
    with agent.expect_navigation():
        row.locator("button[type=submit]").click()
    agent.locator("#composer-body").fill(reply)
    agent.locator("#composer-send").click()
    expect(agent.locator("#timeline")).to_contain_text(reply)

    expect(visitor.locator(".log li.theirs")).to_contain_text(reply, timeout=WAIT_MS)
    expect(visitor.locator(".log li.theirs .author")).to_contain_text("Ulises")


def test_a_visitor_chats_with_an_agent_and_it_lands_on_the_customers_timeline(world, asgi_server, shop, new_page, login):
    site = site_create(name="Tienda", allowed_origins=[shop.origin], identity_secret=SECRET, team=world.team1)
    agent = agent_at_queue(new_page, asgi_server, login, world.agent1)
    visitor, sockets = open_shop(new_page, asgi_server, shop, site, email="ana@tienda-a.mx")

    chat(visitor, agent, "¿Tienen envío a Mérida?", "Sí, llega en dos días hábiles.")

    assert [url.split("?")[0] for url in list(sockets)] == [
        f"{asgi_server.url.replace('http', 'ws')}/ws/chat/{ChatSession.objects.get().public_id}/"]
    # The signed-in visitor (the site's HMAC proved their email) is Ana: the chat is on her timeline.
    session = ChatSession.objects.get()
    assert session.ticket.requester == world.customer_a
    agent.goto(f"{asgi_server.url}/clientes/{world.customer_a.pk}/")
    expect(agent.locator("main")).to_contain_text("¿Tienen envío a Mérida?")

    # The visitor moves on to another page: the chat reopens with the conversation, over a new
    # socket, and the agent's queue shows where they are now.
    visitor.goto(f"{shop.origin}/tienda/pagar")
    expect(visitor.locator(".log li.theirs")).to_contain_text("Sí, llega en dos días hábiles.")
    expect(visitor.locator(".log li.mine")).to_contain_text("¿Tienen envío a Mérida?")
    agent.goto(f"{asgi_server.url}/bandeja/chat/")
    expect(agent.locator(f"a[href='{shop.origin}/tienda/pagar']")).to_be_visible(timeout=WAIT_MS)


def test_with_websockets_blocked_the_widget_polls(world, asgi_server, shop, new_page, login, axe):
    site = site_create(name="Tienda", allowed_origins=[shop.origin], identity_secret=SECRET, team=world.team1)
    agent = agent_at_queue(new_page, asgi_server, login, world.agent1)
    visitor, sockets = open_shop(new_page, asgi_server, shop, site, lang="en", viewport={"width": 375, "height": 812})
    visitor.add_init_script("window.WebSocket = undefined;")
    visitor.reload()
    polls: list[str] = []
    visitor.on("request", lambda request: "/messages/" in request.url and polls.append(request.method))

    chat(visitor, agent, "Do you ship to Mérida?", "Yes, in two working days.")

    assert sockets == []
    assert "GET" in polls
    box = visitor.locator(".panel").bounding_box()
    assert box is not None and box["width"] <= 375  # usable on a phone
    problems = [(v["id"], [n["target"] for n in v["nodes"]]) for v in axe(visitor) if v["impact"] in ("serious", "critical")]
    assert problems == []
    visitor.keyboard.press("Escape")  # closes the panel, focus back on the launcher
    expect(visitor.locator(".panel")).to_be_hidden()
    expect(visitor.locator(".launcher")).to_be_focused()
