"""No input makes a 5xx: a sweep of every API operation and every page, as every role.

- The API's operations come from its own OpenAPI schema, so a new endpoint is swept without
  touching this file (`test_every_api_url_is_in_the_schema` makes sure none hides from it).
- The pages are every URL pattern of the page apps, filled with ids of the world; the parameters
  swept are the declared ones and those the view was seen reading (tests/security/sweep/pages.py).
- Two passes each. The corpus: every known-bad class in every query parameter and form field,
  every corpus JSON value in every top-level field and in every leaf of a structured sample,
  every malformed body; one request each, as the admin and as the customer where each gets in
  (else the first role that does). Then Hypothesis: ATIENDE_SWEEP_EXAMPLES examples per
  operation and method (default 30), drawn across the seven roles, replayed identically in CI
  (the "ci" profile derandomizes); run it deeper locally with e.g. ATIENDE_SWEEP_EXAMPLES=500.
- Also once per page, method and role with no parameters, and the websocket frames below.
- In-process test clients; each example in a rolled-back savepoint with an empty cache, so
  throttles never answer 429 and nothing one example does changes the next.
- A failure lists every distinct cause (exception type and the frame that raised it), each
  with our innermost frame and the shortest request that reproduced it. With
  ATIENDE_SWEEP_REPORT=<dir> they are also written as JSON; ATIENDE_SWEEP_ONLY=<regex> narrows
  the sweep to matching operations or pages.

Run alone: `pytest tests/security/test_sweep.py` (or `-m sweep`; `-m "not sweep"` skips it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from atiende.customers.models import Organization
from atiende.tickets.models import Ticket
from atiende.tickets.selectors import tag_names_by_ticket
from atiende.workspace.models import SavedView
from tests.oidc_provider import configured as oidc_configured
from tests.security.sweep import api as api_sweep
from tests.security.sweep import pages as page_sweep
from tests.security.sweep.harness import (
    Clients,
    Recorder,
    Sent,
    isolated,
    quiet_request_log,
    send,
    sweep_examples,
)
from tests.security.sweep.world import MAIL_SECRET, Swept, build

pytestmark = [pytest.mark.sweep, pytest.mark.django_db]

CORPUS_ROLES = ("admin", "customer")
SHUT_OUT = {301, 302, 401, 403, 404, 405}
EXAMPLES = sweep_examples(30)
ONLY = re.compile(os.environ.get("ATIENDE_SWEEP_ONLY", ""))


@pytest.fixture
def swept(world, settings) -> Iterator[Swept]:
    settings.MAIL_INBOUND_SECRET = MAIL_SECRET
    # Single sign-on configured against a real provider on a loopback port, so its pages do their work.
    with oidc_configured(settings, redirect_uri="http://testserver/cuenta/sso/respuesta/"):
        yield build(world)


def _run(recorder: Recorder, client, sent: Sent) -> int:
    with isolated():
        response = send(client, sent)
        recorder.record(sent, response)
    return response.status_code


def _generated(strategy, recorder: Recorder, client_for) -> None:
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def run(sent: Sent) -> None:
        _run(recorder, client_for(sent.role), sent)

    run()


def _finish(recorder: Recorder, name: str) -> None:
    recorder.dump(name)
    assert recorder.sent > 0
    assert not recorder.failures, recorder.report()


# --- the API ---------------------------------------------------------------------------------------
def test_every_api_url_is_in_the_schema():
    """The sweep reads the schema: an API URL left out of it would never be swept."""
    from atiende.api import urls as api_urls

    documented = set(api_sweep.schema()["paths"])
    for pattern in api_urls.urlpatterns:
        if pattern.name in ("schema", "docs"):
            continue
        route = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        assert route in documented, f"{route} is not in the OpenAPI schema, so the sweep does not reach it"
    assert len(api_sweep.operations()) >= 50


def _api_operations() -> list[api_sweep.Operation]:
    return [op for op in api_sweep.operations() if ONLY.search(op.name)]


def _corpus_roles(statuses: dict[str, int]) -> list[str]:
    """Whom to send the corpus as: the admin and the customer when each gets in (not 30x, 401,
    403, 404 or 405 with valid input), else the first role that gets in, else the admin."""
    welcome = [role for role, status in statuses.items() if status not in SHUT_OUT]
    chosen = [role for role in CORPUS_ROLES if role in welcome]
    return chosen or welcome[:1] or ["admin"]


def test_api_corpus_makes_no_5xx(swept):
    clients, recorder = Clients(swept.world), Recorder()
    with quiet_request_log():
        for op in _api_operations():
            statuses = {}
            for role in clients.api:
                sent = api_sweep.baseline(op, ids=swept.ids, samples=swept.samples, role=role)
                statuses[role] = _run(recorder, clients.api[role], sent)
            for role in _corpus_roles(statuses):
                for sent in api_sweep.corpus_requests(op, ids=swept.ids, samples=swept.samples,
                                                      query_samples=swept.query_samples, role=role):
                    _run(recorder, clients.api[role], sent)
    _finish(recorder, "api-corpus")


def test_api_generated_requests_make_no_5xx(swept):
    clients, recorder = Clients(swept.world), Recorder()
    with quiet_request_log():
        for op in _api_operations():
            strategy = api_sweep.request_strategy(op, ids=swept.ids, samples=swept.samples, secret=MAIL_SECRET)
            _generated(strategy, recorder, clients.api.__getitem__)
    _finish(recorder, "api-generated")


# --- the pages -------------------------------------------------------------------------------------
def _page_plan(swept: Swept, clients: Clients, recorder: Recorder):
    """Each page and method it answers, with the parameters it reads (declared and observed).
    Also the baseline: every page, both methods, every role, with no parameters, no 5xx."""
    plan = []
    for page in page_sweep.pages():
        if not ONLY.search(page.name):
            continue
        kwargs = page_sweep.kwarg_options(page, swept.page_ids)
        path = page_sweep.path_for(page, {k: options[0] for k, options in kwargs.items()})
        for method in ("GET", "POST"):
            seen: set[str] = set()
            statuses = {}
            for role in clients.page:
                sent = Sent(role, method, path, content_type="application/x-www-form-urlencoded",
                            body=b"_sweep=1" if method == "POST" else b"")
                with page_sweep.recording() as keys, isolated():
                    response = send(clients.browser(role), sent)
                    recorder.record(sent, response)
                seen |= keys
                statuses[role] = response.status_code
            if any(status not in (301, 302, 405) for status in statuses.values()):
                params = tuple(sorted(set(page_sweep.DECLARED.get(page.name, ())) | (seen - {"_sweep"})))
                plan.append((page, method, kwargs, params, _corpus_roles(statuses)))
    return plan


def test_page_corpus_makes_no_5xx(swept):
    clients, recorder = Clients(swept.world), Recorder()
    with quiet_request_log():
        plan = _page_plan(swept, clients, recorder)
        assert plan
        for page, method, kwargs, params, roles in plan:
            for role in roles:
                for sent in page_sweep.corpus_requests(page, kwargs=kwargs, params=params, method=method, role=role,
                                                       tickets=swept.ids.by_name["ticket"]):
                    _run(recorder, clients.browser(role), sent)
    _finish(recorder, "pages-corpus")


def test_page_generated_requests_make_no_5xx(swept):
    clients, recorder = Clients(swept.world), Recorder()
    with quiet_request_log():
        for page, method, kwargs, params, _roles in _page_plan(swept, clients, recorder):
            strategy = page_sweep.request_strategy(page, kwargs=kwargs, params=params, method=method)
            _generated(strategy, recorder, clients.browser)
    _finish(recorder, "pages-generated")


def test_every_page_pattern_is_swept():
    """Each page app's URL patterns are all enumerated (a new app's namespace must be added)."""
    names = {page.name for page in page_sweep.pages()}
    for entry in get_resolver().url_patterns:
        namespace = getattr(entry, "namespace", None)
        if namespace in page_sweep.PAGE_NAMESPACES:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern):
                    assert f"{namespace}:{pattern.name}" in names
    assert {"workspace:inbox", "portal:home", "tickets:detail", "customers:detail", "sla:attainment",
            "live:ticket-state"} <= names


# --- regressions the sweep found outside the known classes -----------------------------------------
def test_a_lone_surrogate_in_json_is_a_400_not_a_500(world):
    """JSON may carry "\\ud800"; DRF's choice error quoted it back, and encoding that reply to
    UTF-8 raised (a 500). The JSON parser now refuses such text before any field sees it."""
    api = world.client_for(world.admin)
    body = b'{"kind": "\\ud800", "target": %d}' % world.ticket_b.pk
    response = api.generic("POST", f"/api/v1/tickets/{world.ticket_a.pk}/links/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_the_api_renderer_writes_text_that_is_not_unicode_escaped_instead_of_failing():
    """Should a lone surrogate reach a reply by another way, the reply is the same JSON, escaped."""
    from atiende.api.renderers import JSONRenderer

    assert JSONRenderer().render({"kind": '"\ud800" no es una elección válida.'}) == (
        b'{"kind":"\\"\\ud800\\" no es una elecci\\u00f3n v\\u00e1lida."}'
    )


# --- websocket frames ------------------------------------------------------------------------------
FRAMES: list[dict] = [
    *({"type": "websocket.receive", "text": text} for text in (
        "", "{", "null", "[]", "1", '"typing"', '{"type": null}', '{"type": ["typing"]}', '{"type": {"a": 1}}',
        '{"type": "typing", "x": 1e999}', '{"type": "\\ud800"}', '{"type": "viewing"}', '{"type": "typing"}',
        '{"type": "idle"}', '{"type": "left"}', "\x00", "[" * 1000 + "]" * 1000, '{"type": "' + "x" * 100_000 + '"}',
    )),
    {"type": "websocket.receive", "bytes": b"\xff\x00binary"},
    {"type": "websocket.receive", "bytes": b'{"type": "typing"}'},
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_websocket_frame_crashes_a_consumer(world, settings):
    """Every frame above, on the ticket socket and the inbox socket of a signed-in agent: the
    consumer never raises (which would end the socket with 1011); the socket stays open and still
    answers presence afterwards."""
    from asgiref.sync import async_to_sync

    from atiende.asgi import application
    from atiende.live.tests.conftest import WebsocketClient, session_cookie

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver"), (b"cookie", session_cookie(world.agent1))]
    crashed = []

    async def scenario(path: str) -> None:
        for frame in FRAMES:
            socket = WebsocketClient(application, path, headers)
            connected, _ = await socket.connect()
            assert connected
            try:
                while not await socket.receive_nothing(0.05):  # what it says on joining
                    await socket.receive_output()
                await socket.send_input(frame)
                await socket.receive_nothing(0.1)
                await socket.send_input({"type": "websocket.receive", "text": '{"type": "viewing"}'})
                await socket.receive_nothing(0.05)
            except Exception as error:  # the consumer raised: the server would close with 1011
                crashed.append(f"{path} {frame!r:.80}: {type(error).__name__}: {error}")
                continue
            await socket.disconnect()

    async_to_sync(scenario)(f"/ws/tickets/{world.ticket_a.pk}/")
    async_to_sync(scenario)("/ws/inbox/")
    assert not crashed, "\n".join(crashed)


def test_a_nul_in_an_organizations_sector_is_a_400_not_a_500(world):
    """The sector is looked up by its key; PostgreSQL refuses NUL in a query (a 500 there). JSON
    bodies refuse NUL as they are parsed; a multipart form reaches the field."""
    api = world.client_for(world.admin)
    created = api.post("/api/v1/organizations/", {"name": "Nueva", "sector": "a\x00b"}, format="multipart")
    assert created.status_code == 400
    assert list(created.json()["error"]["fields"]) == ["sector"]
    changed = api.patch(f"/api/v1/organizations/{world.org_a.pk}/", {"sector": "\x00"}, format="multipart")
    assert changed.status_code == 400
    assert list(changed.json()["error"]["fields"]) == ["sector"]
    assert not Organization.objects.filter(name="Nueva").exists()


def test_a_nul_in_a_saved_view_name_is_dropped_not_a_500(world):
    """The inbox's "save view" and "rename" forms pass the name straight to the service; a NUL in
    it reached PostgreSQL (a 500 there). It is dropped, as the search box drops it."""
    browser = Client()
    browser.force_login(world.agent1)
    created = browser.post(reverse("workspace:view-create"), {"name": "Mis\x00 urgentes", "query": "status=open"})
    assert created.status_code == 302
    saved = SavedView.objects.get(owner=world.agent1)
    assert saved.name == "Mis urgentes"
    renamed = browser.post(reverse("workspace:view-edit", args=[saved.pk]), {"name": "Otra\x00"})
    assert renamed.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Otra"
    refused = browser.post(reverse("workspace:view-edit", args=[saved.pk]), {"name": "\x00"})
    assert refused.status_code == 400
    saved.refresh_from_db()
    assert saved.name == "Otra"


def test_inbox_bulk_actions_answer_an_id_of_5000_digits_with_a_400(world):
    """"Assign to" and "merge into" read an agent or ticket id from the form; int() of more than
    4,300 digits raises ValueError (a 500). Such an id is now simply not a valid choice."""
    browser = Client()
    browser.force_login(world.admin)
    selected = [world.ticket_a.pk, world.ticket_b.pk]
    huge = "1" * 5000
    assign = browser.post(reverse("workspace:bulk"), {"ticket": selected, "action": "assign", "assignee": huge})
    assert assign.status_code == 400
    merge = browser.post(reverse("workspace:bulk"), {"ticket": selected, "action": "merge", "merge_into": huge})
    assert merge.status_code == 400
    assert set(Ticket.objects.filter(pk__in=selected).values_list("assignee", "merged_into")) == {(None, None)}


def test_a_nul_in_an_inbox_bulk_tag_is_dropped_not_a_500(world):
    """The bulk "add tag" passes the form's text to the ticket service; a NUL in it reached
    PostgreSQL (a 500 there). It is dropped, as in view names."""
    browser = Client()
    browser.force_login(world.admin)
    response = browser.post(reverse("workspace:bulk"), {"ticket": [world.ticket_a.pk], "action": "tag", "tag": "ur\x00gente"})
    assert response.status_code == 302
    assert tag_names_by_ticket([world.ticket_a]) == {world.ticket_a.pk: ["urgente"]}
