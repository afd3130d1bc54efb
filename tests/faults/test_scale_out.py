"""Scale-out (issue 18): two `atiende serve` nodes on one PostgreSQL and one Redis, as a company
that outgrew one machine runs it. A websocket open on node A sees a reply posted through node B;
sign-in throttles are shared (failures on either node count together); killing a whole node
loses nothing committed, and its clients' retries land once on the other; a node asked to stop
with websockets open stops within its graceful timeout. (Periodic jobs run
once per period however many schedulers run: `core/tests/test_beat.py`.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import websockets

from .stack import PASSWORD, call, drop_install, make_install, serve, stop

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the suite's first half")
REDIS_DB = 12


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").flushdb()
    name, base, token = make_install(tmp_path_factory.mktemp("scale"))
    env = {**base, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
           "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "DATABASE_POOL_MIN": "1", "GRACEFUL_TIMEOUT": "2"}
    started = []
    try:
        for _node in range(2):
            started.append(serve(env, workers=1))
        # a session for the last test, before the throttle test locks the account's sign-in
        yield {"a": started[0][1], "b": started[1][1], "servers": [s for s, _url in started], "token": token,
               "session": _sign_in(started[1][1])[1]}
    finally:
        for server, _url in started:
            stop(server)
        drop_install(name)


def _sign_in(url: str, password: str = PASSWORD) -> tuple[int, str]:
    """The sign-in form as a browser posts it: (status, session cookie)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/cuenta/entrar/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "email": "fallas@example.mx", "password": password})
    request = urllib.request.Request(f"{url}/cuenta/entrar/", data=form.encode(), headers={"Referer": f"{url}/cuenta/entrar/"})
    try:
        status = opener.open(request).status
    except urllib.error.HTTPError as error:
        status = error.code
    session = next((c.value for c in jar if c.name == "sessionid"), "")
    return status, session


def test_a_websocket_on_node_a_sees_a_reply_posted_through_node_b(nodes):
    token = nodes["token"]
    status, ticket = call(f"{nodes['b']}/api/v1/tickets/", method="POST", token=token,
                          body={"subject": "Dos nodos", "body": "Hola", "requester": "cliente@example.mx"})
    assert status == 201, ticket
    _status, session = _sign_in(nodes["a"])
    assert session
    a_host = nodes["a"].removeprefix("http://")

    async def watch() -> dict:
        async with websockets.connect(f"ws://{a_host}/ws/tickets/{ticket['id']}/",
                                      additional_headers={"Cookie": f"sessionid={session}", "Origin": nodes["a"]}) as socket:
            await asyncio.sleep(0.5)  # joined the ticket's group
            posted = call(f"{nodes['b']}/api/v1/tickets/{ticket['id']}/messages/", method="POST", token=token,
                          body={"body": "Respuesta desde el nodo B"})
            assert posted[0] == 201, posted
            while True:
                event = json.loads(await asyncio.wait_for(socket.recv(), timeout=15))
                if event["type"] == "message.created":
                    return event

    event = asyncio.run(watch())
    assert event["message_id"] and event["mine"] is True  # the same agent posted it, on the other node


def test_sign_in_failures_on_either_node_count_together(nodes):
    statuses = [_sign_in(nodes["a" if n % 2 else "b"], password="wrong-password")[0] for n in range(12)]
    assert statuses[:10] == [400] * 10 and set(statuses[10:]) == {429}, statuses
    assert _sign_in(nodes["a"])[0] == 429 and _sign_in(nodes["b"])[0] == 429  # even the right password, meanwhile


def test_killing_a_whole_node_loses_nothing(nodes):
    token, a, b = nodes["token"], nodes["a"], nodes["b"]

    def create(url: str, n: int) -> int:
        return call(f"{url}/api/v1/tickets/", method="POST", token=token, headers={"Idempotency-Key": f"nodo-{n}"},
                    body={"subject": f"Nodo caído {n}", "body": "Hola", "requester": "cliente@example.mx"})[0]

    assert [create(a, n) for n in range(3)] == [201] * 3
    stop(nodes["servers"][0])
    for n in range(6):  # the clients of node A retry on node B with the same keys
        assert create(b, n) in (200, 201)
    subjects = [row["subject"] for row in call(f"{b}/api/v1/tickets/?page_size=100", token=token)[1]["results"]]
    assert all(subjects.count(f"Nodo caído {n}") == 1 for n in range(6)), subjects


def test_a_node_with_websockets_open_stops_within_its_graceful_timeout(nodes):
    """SIGTERM closes the sockets (1012, "service restart") and the node exits; whatever task is
    left is cancelled after GRACEFUL_TIMEOUT (2 s here) instead of hanging the deploy."""
    server, host = nodes["servers"][1], nodes["b"].removeprefix("http://")
    headers = {"Cookie": f"sessionid={nodes['session']}", "Origin": nodes["b"]}

    async def hold_sockets_through_the_stop() -> tuple[float, set]:
        sockets = [await websockets.connect(f"ws://{host}/ws/inbox/", additional_headers=headers) for _ in range(10)]
        await asyncio.sleep(0.5)
        started = time.monotonic()
        os.killpg(server.pid, signal.SIGTERM)
        await asyncio.to_thread(server.wait, 30)
        waited = time.monotonic() - started
        codes = set()
        for socket in sockets:
            await socket.wait_closed()
            codes.add(socket.close_code)
        return waited, codes

    waited, codes = asyncio.run(hold_sockets_through_the_stop())
    assert server.returncode is not None and waited < 2 + 6, waited
    assert codes == {1012}, codes
