"""Who sent a message, as far as we can prove it: copied agents join at once only for a proven
staff sender of the ticket; the MTA's verdict, when it is switched on, is kept on every message."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from atiende.mail.bulk import ingest_many
from atiende.mail.models import InboundMessage, OutboundEmail
from atiende.mail.services import Outcome, ingest, sender_checks_apply
from atiende.tickets.models import CopiedAgent, Ticket, TicketEvent
from atiende.tickets.services import message_create

pytestmark = pytest.mark.django_db
MTA = "mx.nopal.mx"


def email(*, sender: str, subject: str = "Re: Mi dominio no resuelve", auth: str = "", **headers: str) -> bytes:
    message = EmailMessage()
    if auth:
        message["Authentication-Results"] = auth
    message["From"], message["To"], message["Subject"] = sender, "soporte@nopal.mx", subject
    message["Message-ID"] = make_msgid(domain="correo.mx")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Lo reviso con Diana.")
    return message.as_bytes()


@pytest.fixture
def reply_id(world, settings) -> str:
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MTA]
    message_create(actor=world.agent1, ticket=world.ticket_a, body="Revise sus DNS.")
    return OutboundEmail.objects.get(ticket=world.ticket_a).header_id


def test_agents_copied_by_a_verified_staff_agent_of_the_ticket_join_at_once(world, reply_id):
    result = ingest(email(sender="uno@example.mx", auth=f"{MTA}; dmarc=pass header.from=example.mx",
                          In_Reply_To=f"<{reply_id}>", Cc="dos@example.mx"), source="imap")
    assert (result.outcome, result.ticket_id) == (Outcome.REPLY, world.ticket_a.pk)
    assert set(world.ticket_a.collaborators.all()) == {world.collaborator, world.agent2}
    event = TicketEvent.objects.get(ticket=world.ticket_a, field="collaborators")
    assert (event.actor, event.new_value, event.note) == (world.agent1, "Diana Dos", "email_cc")
    assert not CopiedAgent.objects.exists()


@pytest.mark.parametrize(("sender", "auth"), [
    ("dos@example.mx", f"{MTA}; dmarc=pass header.from=example.mx"),  # verified, but not of this ticket's team
    ("colabora@example.mx", f"{MTA}; dmarc=pass header.from=example.mx"),  # a collaborator refers nobody
    ("uno@example.mx", ""),  # of the team, but From alone proves nothing
])
def test_anyone_else_copying_an_agent_only_asks(world, reply_id, sender, auth):
    ingest(email(sender=sender, auth=auth, In_Reply_To=f"<{reply_id}>", Cc="super@example.mx"), source="imap")
    assert list(world.ticket_a.collaborators.all()) == [world.collaborator]
    assert list(CopiedAgent.objects.values_list("agent", "state", "copied_by")) == [(world.supervisor.pk, "pending", sender)]


def test_a_new_ticket_from_a_verified_agent_adds_the_agents_they_copied(world, settings):
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MTA]
    result = ingest(email(sender="uno@example.mx", subject="Falla en el correo de Tienda A",
                          auth=f"{MTA}; dkim=pass header.d=example.mx", Cc="dos@example.mx"), source="http")
    ticket = Ticket.objects.get(pk=result.ticket_id)  # no team yet: the shared queue agent 1 works
    assert list(ticket.collaborators.all()) == [world.agent2]
    assert InboundMessage.objects.get().sender_verdict == "pass"


def test_checks_apply_to_live_mail_once_switched_on_and_never_to_imports(settings):
    assert not sender_checks_apply("imap")
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MTA]
    assert (sender_checks_apply("imap"), sender_checks_apply("http"), sender_checks_apply("file")) == (True, True, False)


def test_imports_of_live_sources_check_every_sender(world, reply_id):
    before = world.ticket_a.messages.count()
    # Plain answers by In-Reply-To: what the bulk path would otherwise store without a look.
    raws = [email(sender="ana@tienda-a.mx", subject="Mi dominio", In_Reply_To=f"<{reply_id}>",
                  auth=f"{MTA}; dmarc=fail header.from=tienda-a.mx") for _ in range(2)]
    counts = ingest_many(raws, source="imap")
    assert counts == {Outcome.NEW_TICKET: 2}
    assert list(InboundMessage.objects.values_list("sender_verdict", flat=True)) == ["fail", "fail"]
    assert world.ticket_a.messages.count() == before
