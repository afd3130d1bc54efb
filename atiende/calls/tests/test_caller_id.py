"""`POST /api/v1/calls/events/`: a telephony system's token, events taken in once, the call
logged when it ends, and the notice reaching agents' inbox sockets live."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from atiende.calls.models import Call, CallEvent, TelephonySystem
from atiende.calls.services import call_event_receive, telephony_system_create
from atiende.customers.services import customer_create
from atiende.live.tests.conftest import WebsocketClient, session_cookie
from atiende.tickets.models import Message, Ticket

URL = "/api/v1/calls/events/"


@pytest.fixture
def pbx(db) -> tuple[TelephonySystem, str]:
    return telephony_system_create(actor=None, name="Conmutador oficina")


def client(token: str | None, scheme: str = "Bearer") -> APIClient:
    api = APIClient()
    if token is not None:
        api.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    return api


def ring(api: APIClient, call_id: str = "c-1001", number: str = "+52 55 1234 5678", **extra):
    return api.post(URL, {"event": "ringing", "call_id": call_id, "from": number, **extra}, format="json")


@pytest.mark.django_db
def test_the_token_is_stored_only_as_its_hash(pbx):
    system, token = pbx
    assert token.startswith("tel_") and len(token) > 40
    assert token not in (system.token_hash, system.token_hint) and system.token_hint == token[:8]


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["none", "wrong", "scheme", "inactive", "agent_token"])
def test_events_without_the_systems_token_are_refused_and_change_nothing(world, pbx, how):
    system, token = pbx
    if how == "inactive":
        TelephonySystem.objects.filter(pk=system.pk).update(active=False)
    api = {"none": client(None), "wrong": client(token + "x"), "scheme": client(token, "Token"),
           "inactive": client(token), "agent_token": world.client_for(world.admin)}[how]
    response = ring(api)
    assert response.status_code == 401, response.content
    assert (Call.objects.count(), CallEvent.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_known_caller_rings_then_is_answered_then_hangs_up_and_the_call_is_on_their_ticket(world, pbx):
    _system, token = pbx
    lupita = customer_create(name="Lupita", identities={"whatsapp": "5215512345678"}, organization=world.org_a)
    api = client(token)
    assert ring(api, to="+52 55 5000 0000", extension="204").status_code == 201
    call = Call.objects.get()
    assert (call.state, call.customer, call.ticket, call.extension) == ("ringing", lupita, None, "204")
    assert api.post(URL, {"event": "answered", "call_id": "c-1001", "agent": "uno@example.mx"},
                    format="json").status_code == 201
    ended = api.post(URL, {"event": "ended", "call_id": "c-1001", "duration_seconds": 95}, format="json")
    assert ended.status_code == 201
    call.refresh_from_db()
    assert (call.state, call.outcome, call.duration_seconds, call.agent) == ("ended", "answered", 95, world.agent1)
    assert call.ticket.requester == lupita and call.ticket.channel == "phone"
    assert call.message.body_text == "Incoming call: Answered, 1 min 35 s."


@pytest.mark.django_db
def test_each_event_is_taken_in_once(world, pbx):
    _system, token = pbx
    api = client(token)
    ring(api)
    assert ring(api).json()["duplicate"] is True
    api.post(URL, {"event": "ended", "call_id": "c-1001"}, format="json")
    before = (Ticket.objects.count(), Message.objects.count(), CallEvent.objects.count())
    again = api.post(URL, {"event": "ended", "call_id": "c-1001"}, format="json")
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert (Ticket.objects.count(), Message.objects.count(), CallEvent.objects.count()) == before
    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", "missed")  # never answered
    # A late "answered" is recorded but does not move an ended call back.
    api.post(URL, {"event": "answered", "call_id": "c-1001"}, format="json")
    call.refresh_from_db()
    assert call.state == "ended" and CallEvent.objects.filter(call=call).count() == 3


@pytest.mark.django_db
def test_the_same_call_id_from_two_systems_is_two_calls(world, pbx):
    _system, token = pbx
    _other, other_token = telephony_system_create(actor=None, name="Otro conmutador")
    ring(client(token))
    ring(client(other_token))
    assert Call.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field"), [
    ({"event": "ringing", "call_id": "c-9", "from": "123"}, "from"),
    ({"event": "ringing", "call_id": "c-9"}, "from"),
    ({"event": "ended", "call_id": "c-9"}, "from"),
    ({"event": "exploded", "call_id": "c-9", "from": "+525512345678"}, "event"),
    ({"event": "ringing", "call_id": "", "from": "+525512345678"}, "call_id"),
    ({"event": "ended", "call_id": "c-9", "from": "+525512345678", "duration_seconds": -4}, "duration_seconds"),
])
def test_bad_events_are_a_400_and_store_nothing(pbx, body, field):
    _system, token = pbx
    response = client(token).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert (Call.objects.count(), CallEvent.objects.count()) == (0, 0)


# --- the live notice ------------------------------------------------------------------------------

@pytest.fixture
def _fresh_channel_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def socket(path: str, user) -> WebsocketClient:
    from atiende.asgi import application

    return WebsocketClient(application, path, [(b"host", b"testserver"), (b"origin", b"http://testserver"),
                                               (b"cookie", session_cookie(user))])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_ringing_call_reaches_agents_inbox_sockets_as_an_id_and_customers_never_join(world, _fresh_channel_layer):
    system, _token = telephony_system_create(actor=None, name="Conmutador")
    uno = socket("/ws/inbox/", world.agent1)
    customer = socket("/ws/inbox/", world.customer_a.user)

    async def scenario():
        assert (await uno.connect())[0]
        assert await uno.receive_json_from() == {"type": "ready"}
        assert (await customer.connect())[0]
        assert (await customer.receive_output())["type"] == "websocket.close"
        call, _duplicate = await database_sync_to_async(call_event_receive)(
            system=system, event="ringing", call_id="c-77", from_number="+52 55 1234 5678")
        assert await uno.receive_json_from() == {"type": "call.changed", "call_id": call.pk}
        await database_sync_to_async(call_event_receive)(system=system, event="ringing", call_id="c-77",
                                                         from_number="+52 55 1234 5678")
        assert await uno.receive_nothing(0.3)  # a repeated event says nothing again
        await uno.disconnect()

    async_to_sync(scenario)()
