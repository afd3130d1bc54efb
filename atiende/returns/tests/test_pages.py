"""The workspace's RMA box on the ticket, the list and an RMA's page; the portal's list and the
customer's answer to a quote."""

from __future__ import annotations

from django.test import Client

from atiende.returns.models import Rma
from atiende.returns.services import rma_open, rma_transition


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # asserted as English msgids (the catalogues come later)
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_ticket_page_loads_the_box_and_the_box_opens_an_rma(world, kit):
    agent = client_of(world.agent1)
    assert f"/bandeja/tickets/{world.ticket_a.number}/devoluciones/" in agent.get(
        f"/tickets/{world.ticket_a.number}/").content.decode()
    url = f"/bandeja/tickets/{world.ticket_a.number}/devoluciones/"
    box = agent.get(url).content.decode()
    assert "No returns or repairs." in box and "SN-A1" in box and "SN-B1" not in box  # only the customer's
    bad = agent.post(url, {"assets": [kit["old"].pk], "reason": "Pantalla rota", "return_method": "drop_off"},
                     HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "A paid repair needs the quote&#x27;s amount." in bad.content.decode()
    assert not Rma.objects.exists()
    good = agent.post(url, {"assets": [kit["old"].pk], "reason": "Pantalla rota", "return_method": "drop_off",
                            "quote_amount": "1250.5"}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200
    rma = Rma.objects.get()
    text = good.content.decode()
    assert f"RMA-{rma.pk}" in text and "Quote: $1,250.50 MXN" in text and "Next: Rejected" in text
    # Agents who cannot see the ticket: 404; customers belong to the portal.
    assert client_of(world.agent2).get(url).status_code == 404
    assert client_of(world.customer_a.user).get(url).status_code == 302


def test_list_filters_and_detail_moves_with_the_timeline(world, kit):
    rma = rma_open(actor=world.agent1, ticket=world.ticket_a, assets=[kit["covered"].pk], reason="No enciende",
                   return_method="courier_pickup")
    other = rma_open(actor=world.admin, ticket=world.ticket_b, assets=[kit["other"].pk], reason="x",
                     return_method="remote")
    supervisor = client_of(world.supervisor)
    listed = supervisor.get("/bandeja/devoluciones/?estado=requested").content.decode()
    assert f"RMA-{rma.pk}" in listed and f"RMA-{other.pk}" in listed
    only = supervisor.get(f"/bandeja/devoluciones/?ticket={world.ticket_b.number}").content.decode()
    assert f"RMA-{other.pk}<" in only and f"RMA-{rma.pk}<" not in only
    assert f"RMA-{rma.pk}<" not in supervisor.get("/bandeja/devoluciones/?estado=approved").content.decode()
    assert f"RMA-{other.pk}<" not in client_of(world.agent1).get("/bandeja/devoluciones/").content.decode()
    agent = client_of(world.agent1)
    url = f"/bandeja/devoluciones/{rma.pk}/"
    refused = agent.post(url, {"to": "closed"})
    assert refused.status_code == 409 and "can move only to: approved, rejected" in refused.content.decode()
    for step in ("approved", "received", "diagnosed"):
        assert agent.post(url, {"to": step, "note": ""}).status_code == 302
    page = agent.get(url).content.decode()
    assert "New identifiers (for a replacement)" in page
    assert agent.post(url, {"to": "replaced", f"replacement-{kit['covered'].pk}": "SN-A1-N"}).status_code == 302
    page = agent.get(url).content.decode()
    assert "SN-A1-N" in page and "Diagnosed → Replaced" in page and "Ulises Uno" in page
    # Both assets' pages keep the history: the old one was replaced by the new, which replaces it.
    new = rma.items.get().replacement
    assert "replaced by SN-A1-N" in agent.get(f"/bandeja/activos/{kit['covered'].pk}/").content.decode()
    assert "replaces SN-A1" in agent.get(f"/bandeja/activos/{new.pk}/").content.decode()
    assert client_of(world.agent2).get(url).status_code == 404


def test_the_customer_answers_the_quote_in_the_portal(world, kit):
    rma = rma_open(actor=world.agent1, ticket=world.ticket_a, assets=[kit["old"].pk], reason="Pantalla rota",
                   return_method="drop_off", quote_amount="980")
    customer = client_of(world.customer_a.user)
    listed = customer.get("/soporte/devoluciones/").content.decode()
    assert f"RMA-{rma.pk}" in listed and "A quote is waiting for your answer" in listed
    page = customer.get(f"/soporte/devoluciones/{rma.pk}/").content.decode()
    assert "it costs $980.00 MXN" in page and 'value="accept"' in page
    # The colleague (not the organization's admin) and another customer see nothing.
    assert client_of(world.colleague_a.user).get(f"/soporte/devoluciones/{rma.pk}/").status_code == 404
    assert client_of(world.customer_b.user).post(f"/soporte/devoluciones/{rma.pk}/", {"answer": "accept"}).status_code == 404
    assert customer.post(f"/soporte/devoluciones/{rma.pk}/", {"answer": "accept"}).status_code == 302
    assert Rma.objects.get(pk=rma.pk).quote_status == "accepted"
    again = customer.post(f"/soporte/devoluciones/{rma.pk}/", {"answer": "decline"})
    assert again.status_code == 409 and Rma.objects.get(pk=rma.pk).quote_status == "accepted"
    rma_transition(actor=world.agent1, rma=rma, to="approved")
    assert "Approved" in customer.get(f"/soporte/devoluciones/{rma.pk}/").content.decode()
