"""ARCO requests: asked from the portal or recorded by a supervisor, each with the 20-business-day
deadline, an owner and a state; shown to supervisors and admins in the workspace."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from atiende.arco.deadline import legal_deadline
from atiende.arco.models import ArcoRequest, RequestState
from atiende.arco.services import request_change, request_record
from atiende.core.exceptions import Forbidden, Invalid
from atiende.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("received", "due"), [
    # Monday 7 Dec 2026: 20 business days skip 25 Dec and 1 Jan, ending on Wednesday 6 Jan.
    (datetime(2026, 12, 7, 15, tzinfo=UTC), datetime(2027, 1, 7, 6, tzinfo=UTC)),
    # Friday 13 Mar 2026: Monday 16 Mar is Benito Juárez's day; the term ends on Monday 13 Apr.
    (datetime(2026, 3, 13, 15, tzinfo=UTC), datetime(2026, 4, 14, 6, tzinfo=UTC)),
    # Late on Friday in Mexico City (already Saturday in UTC) still counts from Monday.
    (datetime(2026, 3, 7, 5, tzinfo=UTC), datetime(2026, 4, 7, 6, tzinfo=UTC)),
])
def test_the_legal_deadline_is_20_business_days_on_the_mexican_calendar(received, due):
    assert legal_deadline(received) == due


def test_a_customer_asks_from_the_portal_and_follows_the_request(world):
    portal = _client(world.customer_a.user)
    response = portal.post("/soporte/mis-datos/", {"kind": "access", "text": "Quiero ver mis datos"})
    assert response.status_code == 302
    request = ArcoRequest.objects.get()
    assert (request.customer, request.source, request.state) == (world.customer_a, "portal", "received")
    assert request.due_at == legal_deadline(request.received_at)
    page = portal.get("/soporte/mis-datos/").content.decode()
    assert page.count("request-row") == 1 and request.due_at.astimezone().strftime("%Y") in page
    assert _client(world.customer_b.user).get("/soporte/mis-datos/").content.decode().count("request-row") == 0
    bad = portal.post("/soporte/mis-datos/", {"kind": "everything", "text": ""})
    assert bad.status_code == 400 and ArcoRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="arco.request_recorded").count() == 1


def test_a_supervisor_records_moves_and_rejects_with_a_reason(world):
    request = request_record(actor=world.supervisor, kind="cancellation", text="Llamó por teléfono",
                             customer_id=world.customer_b.pk)
    assert request.source == "agent"
    with pytest.raises(Forbidden):
        request_record(actor=world.agent1, kind="access", text="", customer_id=world.customer_b.pk)
    with pytest.raises(Forbidden):
        request_change(actor=world.agent1, request_id=request.pk, state="done")
    with pytest.raises(Invalid):
        request_change(actor=world.supervisor, request_id=request.pk, state="rejected")
    assert ArcoRequest.objects.get().state == RequestState.RECEIVED
    changed = request_change(actor=world.supervisor, request_id=request.pk, state="rejected",
                             reason="No acreditó su identidad")
    assert (changed.state, changed.owner, changed.closed_at is not None) == ("rejected", world.supervisor, True)
    assert AuditEntry.objects.filter(action="arco.request_changed").exists()


def test_the_workspace_page_is_for_supervisors_and_admins(world):
    request_record(actor=world.supervisor, kind="access", text="Secreto ARCO", customer_id=world.customer_a.pk)
    for user in (world.supervisor, world.admin):
        page = _client(user).get("/bandeja/arco/")
        assert page.status_code == 200 and "Secreto ARCO" in page.content.decode()
    for user in (world.agent1, world.collaborator):
        page = _client(user).get("/bandeja/arco/")
        assert page.status_code == 404 and b"Secreto ARCO" not in page.content
    record = _client(world.supervisor).post("/bandeja/arco/nueva/", {"customer": "bruno@empresa-b.mx",
                                                                     "kind": "opposition", "text": ""})
    assert record.status_code == 302 and ArcoRequest.objects.filter(customer=world.customer_b).exists()
    denied = _client(world.agent1).post("/bandeja/arco/nueva/", {"customer": str(world.customer_b.pk),
                                                                 "kind": "access"})
    assert denied.status_code == 404 and ArcoRequest.objects.count() == 2


def test_admins_export_from_the_page_and_get_a_download_link(world, django_capture_on_commit_callbacks):
    request = request_record(actor=world.admin, kind="access", text="", customer_id=world.customer_a.pk)
    admin = _client(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/bandeja/arco/{request.pk}/", {"action": "export"})
    page = admin.get("/bandeja/arco/").content.decode()
    assert "/api/v1/data-exports/" in page and "signature=" in page
    supervisor_page = _client(world.supervisor).get("/bandeja/arco/").content.decode()
    assert "signature=" not in supervisor_page
    _client(world.supervisor).post(f"/bandeja/arco/{request.pk}/", {"action": "erase", "confirm": "yes"})
    assert world.customer_a.__class__.objects.get(pk=world.customer_a.pk).name == world.customer_a.name
