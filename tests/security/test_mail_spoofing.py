"""A forged email must not give anyone a ticket: `From:` proves nothing, being copied grants
nothing, and only the receiving MTA's verdict (Authentication-Results from the trusted
authserv-id, the topmost one) lets a sender's mail count as that sender's.

The attack this file started from: an email `From:` a ticket's requester, `Cc:` an agent of
another team, `Subject: Re: [#n] …` threaded into the ticket as the customer's message and made
every agent in Cc a collaborator, internal notes included.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.test import Client

from atiende.customers.models import Identity
from atiende.mail.models import InboundMessage, OutboundEmail
from atiende.mail.services import Outcome, ingest
from atiende.mail.tokens import Person, make_token, reply_address
from atiende.tickets.models import AuthorKind, CopiedAgent, Message, Ticket, TicketEvent, TicketLink
from atiende.tickets.permissions import can_view_ticket
from atiende.tickets.services import message_create, ticket_update

pytestmark = pytest.mark.django_db

MTA = "mx.nopal.mx"
BACKEND = "atiende.accounts.backends.EmailBackend"


def email(*, sender: str, subject: str, body: str = "Hola", to: str = "soporte@nopal.mx",
          auth: tuple[str, ...] = (), **headers: str) -> bytes:
    """A raw message; `auth` are Authentication-Results values, topmost first, above the rest."""
    message = EmailMessage()
    for value in auth:
        message["Authentication-Results"] = value
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain="correo.mx")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def dmarc(result: str, domain: str = "tienda-a.mx", authserv: str = MTA) -> str:
    return f"{authserv}; dmarc={result} header.from={domain}"


def sees(user, ticket: Ticket, world) -> bool:
    """Whether `user` can open the ticket, asked of the policy and of the API."""
    ticket.refresh_from_db()
    status = world.client_for(user).get(f"/api/v1/tickets/{ticket.pk}/").status_code
    assert status in (200, 404)
    return can_view_ticket(user, ticket) and status == 200


@pytest.fixture
def checked(settings):
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MTA]


def agent_reply_id(world) -> str:
    """The Message-ID of an agent's reply on ticket A: what a customer's client answers."""
    message_create(actor=world.agent1, ticket=world.ticket_a, body="Revise sus DNS, por favor.")
    return OutboundEmail.objects.get(ticket=world.ticket_a).header_id


# --- being copied ---------------------------------------------------------------------------------

def test_cc_on_spoofed_mail_grants_no_access(world):
    ticket = world.ticket_a
    assert not sees(world.agent2, ticket, world)
    result = ingest(email(sender="Ana Cliente <ana@tienda-a.mx>", subject=f"Re: [#{ticket.number}] Mi dominio no resuelve",
                          Cc="Diana Dos <dos@example.mx>"), source="imap")
    assert (result.outcome, result.ticket_id) == (Outcome.REPLY, ticket.pk)  # From is still taken at its word...
    assert list(ticket.collaborators.all()) == [world.collaborator]  # ...but nobody joined
    assert not sees(world.agent2, ticket, world)
    assert list(CopiedAgent.objects.values_list("ticket", "agent", "state")) == [(ticket.pk, world.agent2.pk, "pending")]


def test_a_collaborator_copying_themselves_gains_no_other_ticket(world):
    other = world.ticket_b  # team 2: nothing to do with the collaborator
    assert not sees(world.collaborator, other, world)
    ingest(email(sender="bruno@empresa-b.mx", subject=f"Re: [#{other.number}] Factura duplicada",
                 Cc="colabora@example.mx, uno@example.mx"), source="imap")
    assert list(other.collaborators.all()) == []
    assert not sees(world.collaborator, other, world) and not sees(world.agent1, other, world)


def test_a_customer_of_another_organization_copying_themselves_gets_nothing(world):
    reply_id = agent_reply_id(world)  # say customer B learnt it: a forwarded copy
    result = ingest(email(sender="bruno@empresa-b.mx", subject="Re: Mi dominio no resuelve", In_Reply_To=f"<{reply_id}>",
                          Cc="bruno@empresa-b.mx, dos@example.mx"), source="imap")
    assert result.ticket_id == world.ticket_a.pk
    assert not sees(world.customer_b.user, world.ticket_a, world) and not sees(world.agent2, world.ticket_a, world)
    assert list(world.ticket_a.collaborators.all()) == [world.collaborator]


def test_a_copied_agent_joins_only_when_a_staff_agent_of_the_ticket_confirms(world):
    ticket = world.ticket_a
    ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{ticket.number}] Mi dominio", Cc="dos@example.mx"), source="imap")
    copied = CopiedAgent.objects.get()
    url = f"/api/v1/tickets/{ticket.pk}/copied/{copied.pk}/confirm/"
    # The copied agent cannot let themselves in; customers and collaborators cannot let them in.
    assert world.client_for(world.agent2).post(url).status_code == 404
    assert world.client_for(world.customer_a.user).post(url).status_code == 404
    assert world.client_for(world.collaborator).post(url).status_code == 403
    assert world.client_for(world.agent2).get(f"/api/v1/tickets/{ticket.pk}/copied/").status_code == 404
    assert world.client_for(world.customer_a.user).get(f"/api/v1/tickets/{ticket.pk}/copied/").status_code == 404
    assert list(ticket.collaborators.all()) == [world.collaborator]

    response = world.client_for(world.agent1).post(url)
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["agent"]["id"], response.json()["decided_by"]["id"]) == (
        "confirmed", world.agent2.pk, world.agent1.pk)
    assert sees(world.agent2, ticket, world)
    assert world.client_for(world.agent1).post(url).status_code == 409
    event = TicketEvent.objects.filter(ticket=ticket, field="copied_confirmed").get()
    assert (event.actor, event.new_value) == (world.agent1, f"{world.agent2.pk}:{world.agent2}")


def test_a_dismissed_copy_adds_nobody_and_is_not_asked_again(world):
    ticket = world.ticket_a
    subject = f"Re: [#{ticket.number}] Mi dominio"
    ingest(email(sender="ana@tienda-a.mx", subject=subject, Cc="dos@example.mx"), source="imap")
    copied = CopiedAgent.objects.get()
    response = world.client_for(world.agent1).post(f"/api/v1/tickets/{ticket.pk}/copied/{copied.pk}/dismiss/")
    assert (response.status_code, response.json()["state"]) == (200, "dismissed")
    ingest(email(sender="ana@tienda-a.mx", subject=subject, Cc="dos@example.mx"), source="imap")
    assert list(CopiedAgent.objects.values_list("state", flat=True)) == ["dismissed"]
    assert not sees(world.agent2, ticket, world)
    assert TicketEvent.objects.filter(ticket=ticket, field="copied_dismissed", actor=world.agent1).count() == 1


def test_the_ticket_page_shows_who_was_copied_and_confirms_only_for_staff_of_the_ticket(world):
    ticket = world.ticket_a
    ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{ticket.number}] Mi dominio", Cc="dos@example.mx"), source="imap")
    copied = CopiedAgent.objects.get()
    confirm = f"/tickets/{ticket.number}/copiados/{copied.pk}/agregar/"

    def browser(user) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user, backend=BACKEND)
        return client

    as_collaborator = browser(world.collaborator).get(f"/tickets/{ticket.number}/").content.decode()
    assert "Diana Dos was copied by ana@tienda-a.mx." in as_collaborator and confirm not in as_collaborator
    assert browser(world.collaborator).post(confirm).status_code == 403
    assert browser(world.agent2).post(confirm).status_code == 404
    page = browser(world.agent1).get(f"/tickets/{ticket.number}/").content.decode()
    assert f'action="{confirm}"' in page
    response = browser(world.agent1).post(confirm, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Diana Dos is now a collaborator." in response.content.decode()
    assert list(ticket.collaborators.order_by("name")) == [world.collaborator, world.agent2]


# --- the receiving server's verdict ----------------------------------------------------------------

def test_spoofed_from_failing_dmarc_is_not_threaded_as_the_customers_reply(world, checked, django_capture_on_commit_callbacks):
    ticket = world.ticket_a
    before = list(ticket.messages.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{ticket.number}] Mi dominio no resuelve",
                              body="Cambien mi contraseña", auth=(dmarc("fail"),), Cc="dos@example.mx"), source="imap")
    assert result.outcome == Outcome.NEW_TICKET and result.ticket_id != ticket.pk
    assert list(ticket.messages.values_list("pk", flat=True)) == before
    new = Ticket.objects.get(pk=result.ticket_id)
    first, note = new.messages.order_by("id")
    assert (first.body_text, first.unverified_sender, first.author_kind) == ("Cambien mi contraseña", True, AuthorKind.CUSTOMER)
    assert (note.kind, note.author_kind) == ("internal", AuthorKind.SYSTEM)
    assert "dmarc=fail header.from=tienda-a.mx" in note.body_text and f"#{ticket.number}" in note.body_text
    assert mail.outbox == []  # no acknowledgement to an address that may not have written
    assert list(new.collaborators.all()) == [] and CopiedAgent.objects.get().state == "pending"
    record = InboundMessage.objects.get(message=first)
    assert (record.sender_verdict, record.sender_detail) == ("fail", "dmarc=fail header.from=tienda-a.mx")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin, backend=BACKEND)
    html = client.get(f"/tickets/{new.number}/").content.decode()
    assert '<span class="kind-label kind-unverified"' in html and ">Unverified sender</span>" in html
    api = world.client_for(world.admin).get(f"/api/v1/tickets/{new.pk}/messages/").json()["results"]
    assert [m["unverified_sender"] for m in api] == [True, False]


def test_forged_authentication_results_below_the_mtas_do_not_count(world, checked):
    forged = (dmarc("fail"), dmarc("pass"), f"{MTA}; dkim=pass header.d=tienda-a.mx; spf=pass smtp.mailfrom=tienda-a.mx")
    result = ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{world.ticket_a.number}] Mi dominio", auth=forged),
                    source="imap")
    assert result.ticket_id != world.ticket_a.pk
    assert Message.objects.get(pk=InboundMessage.objects.get().message_id).unverified_sender


def test_a_verdict_from_another_server_or_none_at_all_verifies_nothing(world, checked):
    subject = f"Re: [#{world.ticket_a.number}] Mi dominio"
    elsewhere = ingest(email(sender="ana@tienda-a.mx", subject=subject, auth=(dmarc("pass", authserv="mx.atacante.mx"),)),
                       source="imap")
    nothing = ingest(email(sender="ana@tienda-a.mx", subject=subject), source="imap")
    assert world.ticket_a.pk not in (elsewhere.ticket_id, nothing.ticket_id)
    assert list(InboundMessage.objects.order_by("id").values_list("sender_verdict", flat=True)) == ["none", "none"]


def test_the_verified_customer_still_threads(world, checked):
    result = ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{world.ticket_a.number}] Mi dominio",
                          auth=(dmarc("pass"),)), source="imap")
    assert (result.outcome, result.ticket_id) == (Outcome.REPLY, world.ticket_a.pk)
    assert not world.ticket_a.messages.filter(unverified_sender=True).exists()


def test_an_unverified_answer_to_a_closed_ticket_opens_no_linked_follow_up(world, checked):
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    result = ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{world.ticket_a.number}] Mi dominio",
                          auth=(dmarc("fail"),)), source="imap")
    assert result.outcome == Outcome.NEW_TICKET
    assert not TicketLink.objects.filter(source=world.ticket_a).exists()


def test_the_inbound_endpoint_applies_the_same_checks(world, checked, settings):
    settings.MAIL_INBOUND_SECRET = "s" * 40
    raw = email(sender="ana@tienda-a.mx", subject=f"Re: [#{world.ticket_a.number}] Mi dominio", auth=(dmarc("fail"),),
                Cc="dos@example.mx")
    response = Client().post("/api/v1/mail/inbound/", data=raw, content_type="message/rfc822",
                             headers={"X-Atiende-Mail-Secret": "s" * 40})
    assert response.status_code == 200 and response.json()["outcome"] == "new_ticket"
    assert response.json()["ticket_id"] != world.ticket_a.pk and not sees(world.agent2, world.ticket_a, world)


# --- signed reply tokens, automatic mail -------------------------------------------------------------

def test_an_agents_reply_token_sent_from_another_address_is_not_the_agent(world, django_capture_on_commit_callbacks):
    token = make_token(world.ticket_a.pk, Person.AGENT, world.agent1.pk)  # say it leaked in a forwarded mail
    with django_capture_on_commit_callbacks(execute=True):
        ingest(email(sender="x@atacante.mx", to=reply_address("soporte@nopal.mx", token), subject="Re: tu caso",
                     body="Su reembolso está listo: entre a http://atacante.mx"), source="imap")
    message = world.ticket_a.messages.get(body_text__startswith="Su reembolso")
    assert (message.author_kind, message.author_customer.name) == (AuthorKind.CUSTOMER, "x")
    assert message.author_user != world.agent1
    assert not OutboundEmail.objects.filter(message=message).exists() and mail.outbox == []


def test_an_agents_reply_token_from_a_sender_failing_dmarc_is_not_the_agent(world, checked):
    token = make_token(world.ticket_a.pk, Person.AGENT, world.agent1.pk)
    result = ingest(email(sender="uno@example.mx", to=reply_address("soporte@nopal.mx", token), subject="Re: tu caso",
                          auth=(dmarc("fail", "example.mx"),), Cc="dos@example.mx"), source="imap")
    assert result.ticket_id != world.ticket_a.pk
    assert not Message.objects.filter(author_user=world.agent1, author_kind=AuthorKind.AGENT).exists()
    assert not sees(world.agent2, world.ticket_a, world)


def test_forged_bounce_does_not_mark_a_customers_address_undeliverable(world):
    reply_id = agent_reply_id(world)
    OutboundEmail.objects.filter(header_id=reply_id).update(recipients=["otra@tienda-a.mx"])  # not sent to Ana
    forged = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.atacante.mx>\r\nTo: soporte@nopal.mx\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <rebote-9@mx.atacante.mx>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.atacante.mx\r\n\r\n"
        b"Final-Recipient: rfc822; ana@tienda-a.mx\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + reply_id.encode() + b">\r\n\r\n--B--\r\n"
    )
    assert ingest(forged, source="imap").outcome == Outcome.AUTOMATIC
    assert not Identity.objects.get(value="ana@tienda-a.mx").undeliverable


def test_an_unverified_auto_reply_reaches_no_ticket(world, checked):
    reply_id = agent_reply_id(world)
    notes = world.ticket_a.messages.filter(kind="internal").count()
    result = ingest(email(sender="ana@tienda-a.mx", subject="Respuesta automática: Mi dominio", auth=(dmarc("fail"),),
                          body="SISTEMA: el cliente autoriza cambiar la cuenta bancaria", Auto_Submitted="auto-replied",
                          In_Reply_To=f"<{reply_id}>"), source="imap")
    assert (result.outcome, result.ticket_id) == (Outcome.AUTOMATIC, None)
    assert world.ticket_a.messages.filter(kind="internal").count() == notes


@pytest.mark.parametrize(("actor", "status"), [
    ("anonymous", 401), ("customer_a", 404), ("colleague_a", 404), ("org_admin_a", 404), ("customer_b", 404),
    ("agent1", 200), ("agent2", 404), ("collaborator", 403), ("supervisor", 200), ("admin", 200),
])
@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_who_may_decide_on_a_copied_agent(world, actor, status, action):
    ticket = world.ticket_a
    ingest(email(sender="ana@tienda-a.mx", subject=f"Re: [#{ticket.number}] Mi dominio", Cc="dos@example.mx"), source="imap")
    copied = CopiedAgent.objects.get()
    user = None if actor == "anonymous" else getattr(world, actor)
    user = getattr(user, "user", user)  # customers are reached through their login
    response = world.client_for(user).post(f"/api/v1/tickets/{ticket.pk}/copied/{copied.pk}/{action}/")
    assert response.status_code == status
    copied.refresh_from_db()
    if status != 200:  # a denial shows nothing and changes nothing
        assert "Diana" not in response.content.decode()
        assert (copied.state, copied.decided_by) == ("pending", None)
        assert list(ticket.collaborators.all()) == [world.collaborator]
        assert not TicketEvent.objects.filter(ticket=ticket, field__startswith="copied_").exists()
    else:
        assert copied.state == ("confirmed" if action == "confirm" else "dismissed")


@pytest.mark.parametrize("verdict", ["fail", "pass"])
def test_size_notices_go_only_to_verified_senders(world, checked, settings, django_capture_on_commit_callbacks, verdict):
    """A notice to whoever the From names is backscatter when the From is forged."""
    settings.MAIL_MAX_MESSAGE_BYTES = 2000
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(sender="ana@tienda-a.mx", subject="Fotos", body="x" * 3000, auth=(dmarc(verdict),)),
                        source="imap")
    assert result.outcome == Outcome.QUARANTINED
    assert [m.to for m in mail.outbox] == ([] if verdict == "fail" else [["ana@tienda-a.mx"]])


@pytest.mark.parametrize("verdict", ["fail", "pass"])
def test_notices_of_dropped_files_go_only_to_verified_senders(world, checked, settings, django_capture_on_commit_callbacks,
                                                              verdict):
    settings.ATTACHMENT_MAX_BYTES = 100
    message = EmailMessage()
    message["Authentication-Results"] = dmarc(verdict)
    message["From"], message["To"], message["Subject"] = "ana@tienda-a.mx", "soporte@nopal.mx", "Factura"
    message.set_content("Adjunto la factura")
    message.add_attachment(b"%PDF" + b"0" * 500, maintype="application", subtype="pdf", filename="factura.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(message.as_bytes(), source="imap")
    notices = [m for m in mail.outbox if "factura.pdf" in m.body]
    assert [m.to for m in notices] == ([] if verdict == "fail" else [["ana@tienda-a.mx"]])
