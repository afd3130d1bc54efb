"""A notice to a customer who prefers WhatsApp goes as the number's template for notices (Meta
takes nothing else from a business that writes first), with their name, the subject and a link to
the whole notice; without such a template in the notice's language, by email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from atiende.customers.models import Customer, Identity
from atiende.notices import services as notices
from atiende.notices.models import NoticeRecipient, RecipientState
from atiende.notices.selectors import audience_count
from atiende.tickets.models import Channel, Ticket
from atiende.whatsapp.services import template_create

from .conftest import PHONE_NUMBER_ID, envelope, post, text_message

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"
BODY = "Hola, {{ customer.greeting_name }}:\n\nEl sábado 12 cambiamos de servidor de 2:00 a 4:00.\n\nSaludos"


@pytest.fixture
def lupita(number, graph, world, django_capture_on_commit_callbacks) -> Customer:
    """A customer who wrote to us on WhatsApp once, with an email too, in organization A."""
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.IN", WA_ID, "Hola")]))
    customer = Ticket.objects.get(channel=Channel.WHATSAPP).requester
    Identity.objects.create(customer=customer, kind="email", value="lupita@example.mx")
    Customer.objects.filter(pk=customer.pk).update(organization=world.org_a, preferred_name="Lupita",
                                                   preferred_channel="whatsapp")
    graph.requests.clear()
    mail.outbox.clear()
    return Customer.objects.get(pk=customer.pk)


def notice_template(world, number, *, language="es_MX", body=None):
    return template_create(actor=world.admin, number=number, name="aviso_servicio", language=language,
                           body=body or "Hola {{1}}, tenemos un aviso para ti: {{2}}. Léelo completo aquí: {{3}}",
                           for_notices=True)


def send_notice(world, capture, **given):
    values = {"subject": "Mantenimiento del sábado", "body": BODY, "language": "es", "essential": True,
              "audience": "organization", "organization": world.org_a, **given}
    notice = notices.notice_create(actor=world.supervisor, **values)
    with capture(execute=True):
        notices.notice_send(actor=world.supervisor, notice=notice)
    return notice


def test_a_customer_who_prefers_whatsapp_gets_the_template_with_a_link_to_the_whole_notice(
        lupita, number, graph, world, django_capture_on_commit_callbacks):
    notice_template(world, number)
    notice = send_notice(world, django_capture_on_commit_callbacks)
    row = NoticeRecipient.objects.get(notice=notice, customer=lupita)
    assert (row.state, row.channel, row.address) == (RecipientState.SENT, "whatsapp", f"{PHONE_NUMBER_ID}:{WA_ID}")
    [request] = graph.requests
    sent = request["json"]
    assert sent["to"] == WA_ID and sent["type"] == "template"
    assert sent["template"]["name"] == "aviso_servicio" and sent["template"]["language"] == {"code": "es_MX"}
    name, subject, link = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert (name, subject) == ("Lupita", "Mantenimiento del sábado")
    assert "lupita@example.mx" not in [to for m in mail.outbox for to in m.to]  # one message, on WhatsApp only
    page = Client().get(link[link.index("/soporte/"):])
    assert page.status_code == 200
    assert "Hola, Lupita:" in page.content.decode() and "de 2:00 a 4:00" in page.content.decode()
    # The other customers of the organization prefer nothing: email, one message each.
    assert sorted(to for m in mail.outbox for to in m.to) == ["ana@tienda-a.mx", "beto@tienda-a.mx", "olga@tienda-a.mx"]


def test_the_reading_link_is_signed(lupita, number, world, django_capture_on_commit_callbacks):
    notice_template(world, number)
    send_notice(world, django_capture_on_commit_callbacks)
    assert Client().get("/soporte/avisos/1:forged/").status_code == 404
    assert "Mantenimiento" not in Client().get("/soporte/avisos/1:forged/").content.decode()


def test_without_a_template_for_notices_in_its_language_it_goes_by_email(
        lupita, number, graph, world, django_capture_on_commit_callbacks):
    notice_template(world, number, language="en_US", body="Hi {{1}}, a notice for you: {{2}}. Read it: {{3}}")
    notice = send_notice(world, django_capture_on_commit_callbacks)  # in Spanish
    row = NoticeRecipient.objects.get(notice=notice, customer=lupita)
    assert (row.state, row.channel, row.address) == (RecipientState.SENT, "email", "lupita@example.mx")
    assert graph.requests == []
    english = send_notice(world, django_capture_on_commit_callbacks, language="en", subject="Saturday maintenance",
                          body="Hi {{ customer.greeting_name }}, we move servers on Saturday.")
    assert NoticeRecipient.objects.get(notice=english, customer=lupita).channel == "whatsapp"
    assert graph.requests[0]["json"]["template"]["language"] == {"code": "en_US"}


def test_the_count_before_sending_says_how_many_go_by_each_channel(lupita, number, world):
    notice_template(world, number)
    notice = notices.notice_create(actor=world.supervisor, subject="Aviso", body=BODY, language="es", essential=True,
                                   audience="organization", organization=world.org_a)
    count = audience_count(notice)
    assert (count.customers, count.reachable, count.no_address) == (4, 4, 0)
    assert [(str(label), n) for label, n in count.by_channel] == [("Correo", 3), ("WhatsApp", 1)]


def test_refused_by_meta_the_recipient_is_failed_and_a_passing_fault_is_retried(
        lupita, number, graph, world, django_capture_on_commit_callbacks):
    notice_template(world, number)
    graph.answers.append((400, {"error": {"message": "(#132001) Template name does not exist", "code": 132001}}))
    notice = send_notice(world, django_capture_on_commit_callbacks, organization=world.org_a)
    row = NoticeRecipient.objects.get(notice=notice, customer=lupita)
    assert row.state == RecipientState.FAILED and "132001" in row.error

    graph.answers.append((503, {"error": {"message": "Service temporarily unavailable"}}))
    later = notices.notice_create(actor=world.supervisor, subject="Otro aviso", body=BODY, language="es",
                                  essential=True, audience="organization", organization=world.org_a)
    with django_capture_on_commit_callbacks(execute=False):  # the batches are queued, not run
        notices.notice_send(actor=world.supervisor, notice=later)
    batch = list(NoticeRecipient.objects.filter(notice=later).order_by("pk").values_list("pk", flat=True))
    with pytest.raises(OSError):  # the task retries on OSError; this recipient's claim was undone
        notices.notice_batch_send(notice_id=later.pk, recipient_ids=batch)
    assert NoticeRecipient.objects.get(notice=later, customer=lupita).state == RecipientState.PENDING
    notices.notice_batch_send(notice_id=later.pk, recipient_ids=batch)  # the retry: only what was left goes out
    assert NoticeRecipient.objects.get(notice=later, customer=lupita).state == RecipientState.SENT
    assert NoticeRecipient.objects.filter(notice=later, state=RecipientState.SENT).count() == 4
    assert len([r for r in graph.requests if r["json"].get("type") == "template"]) == 3


def test_a_template_for_notices_takes_at_most_three_variables(number, world):
    client = Client()
    client.force_login(world.admin)
    answer = client.post(f"/api/v1/channels/whatsapp/{number.pk}/templates/", {
        "name": "aviso_largo", "language": "es_MX", "body": "{{1}} {{2}} {{3}} {{4}}", "for_notices": True},
        content_type="application/json")
    assert answer.status_code == 400 and "for_notices" in answer.json()["error"]["fields"]
    assert not number.templates.exists()
