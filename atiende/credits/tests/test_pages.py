"""The workspace's credit pages: the ticket box offers, the approvals page decides, the ledger
boxes add up, finance exports CSV; others get 404 and nothing changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from atiende.credits import services
from atiende.credits.models import Credit, CreditStatus


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def _offer(world, amount, actor=None):
    return services.credit_offer(actor=actor or world.agent1, ticket=world.ticket_a, kind="credit", amount=amount,
                                 reason="Caída del servicio")


def test_the_ticket_box_answers(world):
    page = _client(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/creditos/"
    assert page.post(url, {"kind": "credit", "amount": "450", "reason": "SLA vencido"}).status_code == 302
    pending = page.post(url, {"kind": "discount", "amount": "1,234.50", "reason": "Caída"}, HTTP_HX_REQUEST="true")
    bad = page.post(url, {"kind": "credit", "amount": "-3", "reason": "x"}, HTTP_HX_REQUEST="true")

    assert pending.status_code == 200 and b"$1,234.50 MXN" in pending.content
    assert bad.status_code == 400 and b"form-error" in bad.content
    assert list(Credit.objects.order_by("id").values_list("status", "amount")) == [
        ("approved", Decimal("450.00")), ("pending", Decimal("1234.50"))]
    assert _client(world.agent2).get(url).status_code == 404
    assert _client(world.collaborator).post(url, {"kind": "credit", "amount": "1", "reason": "x"}).status_code == 404
    assert Credit.objects.count() == 2


def test_the_approvals_page_decides_and_refuses_self_approval(world):
    mine = _offer(world, "6000", actor=world.supervisor)
    other = _offer(world, "700")
    page = _client(world.supervisor)

    listed = page.get("/bandeja/creditos/pendientes/")
    assert listed.status_code == 200 and str(other).encode() in listed.content
    page.post(f"/bandeja/creditos/{mine.pk}/aprobar/")
    page.post(f"/bandeja/creditos/{other.pk}/aprobar/", {"note": "Procede"})

    assert Credit.objects.get(pk=mine.pk).status == CreditStatus.PENDING
    assert Credit.objects.get(pk=other.pk).status == CreditStatus.APPROVED
    assert _client(world.agent1).get("/bandeja/creditos/pendientes/").status_code == 404
    third = _offer(world, "800")
    assert _client(world.agent1).post(f"/bandeja/creditos/{third.pk}/rechazar/").status_code == 302
    assert Credit.objects.get(pk=third.pk).status == CreditStatus.PENDING


def test_ledgers_and_the_csv_export(world):
    for amount in ("100.10", "200.20", "0.05"):
        _offer(world, amount)
    services.credit_reject(actor=world.admin, credit=_offer(world, "999.99"))
    used = _offer(world, "10.00")
    services.credit_mark_used(actor=world.supervisor, credit=used)

    box = _client(world.agent1).get(f"/bandeja/clientes/{world.customer_a.pk}/creditos/").content.decode()
    assert "$310.35 MXN" in box and "$999.99 MXN" in box and "$10.00 MXN" in box
    assert "Export" not in box and "CSV" not in box  # agents do not export
    org = _client(world.admin).get(f"/bandeja/organizaciones/{world.org_a.pk}/creditos/").content.decode()
    assert "$310.35 MXN" in org  # granted: approved and used

    export = _client(world.supervisor).get(f"/bandeja/creditos/exportar/?cliente={world.customer_a.pk}")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert export["Content-Type"].startswith("text/csv") and len(lines) == 6
    assert [line.split(",")[6] for line in lines[1:]] == ["100.10", "200.20", "0.05", "999.99", "10.00"]
    assert _client(world.agent1).get("/bandeja/creditos/exportar/").status_code == 404
    hidden = _client(world.agent2).get(f"/bandeja/organizaciones/{world.org_a.pk}/creditos/")  # not team 2's ticket
    assert hidden.status_code == 200 and b"100.10" not in hidden.content and b"$0.00 MXN" in hidden.content


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_the_ticket_page_links_the_box(world, language):
    page = _client(world.agent1).get(f"/tickets/{world.ticket_a.number}/", HTTP_ACCEPT_LANGUAGE=language)
    assert f"/bandeja/tickets/{world.ticket_a.number}/creditos/".encode() in page.content


def test_admins_set_limits_in_the_admin_through_the_service(world):
    from atiende.core.models import AuditEntry
    from atiende.credits.selectors import limits_for

    admin = _client(world.admin)
    response = admin.post("/admin/credits/creditlimit/add/", {"role": "agent", "per_credit": "800", "per_month": ""})
    assert response.status_code == 302, response.content[:500]
    assert (limits_for("agent").per_credit, limits_for("agent").per_month) == (Decimal("800.00"), None)
    assert AuditEntry.objects.filter(action="credit_limit.changed").count() == 1
    assert _offer(world, "800").status == CreditStatus.APPROVED
