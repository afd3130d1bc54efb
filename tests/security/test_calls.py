"""Phone: who is calling, and what a call record says, never reach customers or other systems."""

from __future__ import annotations

import pytest

from atiende.calls.models import Call
from atiende.calls.services import call_log, telephony_system_create
from atiende.core.exceptions import Forbidden
from atiende.customers.services import customer_update

pytestmark = pytest.mark.django_db


def test_a_customer_cannot_look_up_who_owns_a_number_through_the_calls_api(world):
    customer_update(actor=world.admin, customer=world.customer_b,
                    changes={"identities": {"email": "bruno@empresa-b.mx", "phone": "+52 81 2000 0000"}})
    call_log(actor=world.admin, phone="+52 81 2000 0000", direction="inbound", outcome="answered", notes="Bruno, deuda")
    api = world.client_for(world.customer_a.user)
    listed = api.get("/api/v1/calls/", {"phone": "+52 81 2000 0000"})
    assert listed.status_code == 403
    assert b"Bruno" not in listed.content and b"deuda" not in listed.content
    logged = api.post("/api/v1/calls/", {"phone": "+52 81 2000 0000", "direction": "inbound", "outcome": "answered"},
                      format="json")
    assert logged.status_code == 403 and Call.objects.count() == 1


def test_a_telephony_token_is_no_api_token_and_an_api_token_is_no_telephony_token(world):
    _system, token = telephony_system_create(actor=None, name="Conmutador")
    api = world.client_for(None)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/tickets/").status_code == 401
    assert api.get("/api/v1/calls/").status_code == 401
    agent = world.client_for(world.admin)
    assert agent.post("/api/v1/calls/events/", {"event": "ringing", "call_id": "x", "from": "+525512345678"},
                      format="json").status_code == 401
    assert Call.objects.count() == 0


def test_only_administrators_connect_a_telephony_system(world):
    for user in (world.agent1, world.supervisor, world.customer_a.user):
        with pytest.raises(Forbidden):
            telephony_system_create(actor=user, name="Falso")
    assert telephony_system_create(actor=world.admin, name="Real")[0].name == "Real"
