"""My requests, a new request, one request's conversation, replies, solving and reopening."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.core.clock import frozen_at
from atiende.customers.services import customer_update
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import Attachment, Message, Ticket
from atiende.tickets.services import message_create, ticket_create, ticket_update

from .helpers import client_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)


def page(ticket: Ticket, suffix: str = "") -> str:
    return f"/soporte/solicitudes/{ticket.number}/{suffix}"


def listed_numbers(html: str) -> list[str]:
    return re.findall(r'<a class="request-link" href="/soporte/solicitudes/(\d+)/">', html)


def text_file(name: str = "captura.txt", content: bytes = b"registro de error\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


# --- my requests ---------------------------------------------------------------------------------

def test_each_customer_sees_their_own_requests_and_org_admins_their_organizations(world):
    own = ticket_create(actor=world.colleague_a.user, subject="Cambio de plan", body="¿Puedo cambiar?")
    html = {name: client_for(c.user).get("/soporte/").content.decode()
            for name, c in {"ana": world.customer_a, "beto": world.colleague_a, "olga": world.org_admin_a,
                            "bruno": world.customer_b}.items()}
    assert listed_numbers(html["ana"]) == [str(world.ticket_a.number)]
    assert listed_numbers(html["beto"]) == [str(own.number)]
    assert listed_numbers(html["olga"]) == [str(own.number), str(world.ticket_a.number)]
    assert listed_numbers(html["bruno"]) == [str(world.ticket_b.number)]
    assert "Asked by Ana Cliente" in html["olga"] and "Asked by" not in html["ana"]


def test_statuses_are_in_plain_words(world):
    client = client_for(world.customer_a.user)
    assert '<span class="status status-received">Received</span>' in client.get("/soporte/").content.decode()
    expected = {"open": ("working", "We are working on it"), "pending_customer": ("waiting", "Waiting for your reply"),
                "on_hold": ("working", "We are working on it"), "solved": ("solved", "Solved"),
                "closed": ("closed", "Closed")}
    for status, (tone, words) in expected.items():
        ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": status},
                      details={"outcome": "solved"} if status == "solved" else None)
        for url in ("/soporte/", page(world.ticket_a)):
            assert f'<span class="status status-{tone}">{words}</span>' in client.get(url).content.decode()


def test_the_last_update_is_shown_in_the_customers_time_zone(world):
    customer_update(actor=world.customer_a.user, customer=world.customer_a, changes={"time_zone": "Asia/Tokyo"})
    Ticket.objects.filter(pk=world.ticket_a.pk).update(updated_at=NOW)
    html = client_for(world.customer_a.user).get("/soporte/").content.decode()
    assert '<time datetime="2026-03-03T03:30:00+09:00">' in html


def test_the_list_is_paginated_twenty_at_a_time(world):
    for n in range(21):
        ticket_create(actor=world.customer_a.user, subject=f"Solicitud {n}", body="x")
    client = client_for(world.customer_a.user)
    first, second = client.get("/soporte/").content.decode(), client.get("/soporte/?pagina=2").content.decode()
    assert len(listed_numbers(first)) == 20 and len(listed_numbers(second)) == 2
    assert 'href="?pagina=2" rel="next"' in first and 'href="?pagina=1" rel="prev"' in second
    assert client.get("/soporte/?pagina=abc").status_code == 200 and client.get("/soporte/?pagina=99").status_code == 200


def test_home_query_count_is_constant(world, django_assert_num_queries):
    for n in range(5):
        ticket_create(actor=world.customer_a.user, subject=f"Solicitud {n}", body="x")
    client = client_for(world.org_admin_a.user)
    client.get("/soporte/")  # warms the branding cache
    # session, user, customer, count, rows
    with django_assert_num_queries(5):
        assert client.get("/soporte/").status_code == 200


# --- another organization's request -------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "recibida/"])
def test_another_organizations_request_by_url_is_not_found(world, suffix):
    client = client_for(world.customer_a.user)
    assert client.get(page(world.ticket_b, suffix)).status_code == 404
    assert client.get(f"/soporte/solicitudes/{10**30}/").status_code == 404
    assert client_for(world.colleague_a.user).get(page(world.ticket_a, suffix)).status_code == 404  # not an org admin
    assert client_for(world.org_admin_a.user).get(page(world.ticket_a, suffix)).status_code == 200


def test_nothing_can_be_done_to_another_organizations_request(world):
    client = client_for(world.customer_a.user)
    reply = client.post(page(world.ticket_b, "responder/"), {"body": "hola"})
    solve = client.post(page(world.ticket_b, "estado/"), {"action": "solve"})
    assert (reply.status_code, solve.status_code) == (404, 404)
    world.ticket_b.refresh_from_db()
    assert world.ticket_b.status == "new" and world.ticket_b.messages.count() == 1


# --- a new request -------------------------------------------------------------------------------

def test_new_request_with_category_and_attachment_and_its_confirmation(world):
    client = client_for(world.customer_a.user)
    form = client.get("/soporte/nueva/").content.decode()
    assert '<select name="category" required id="id_category">' in form and 'value="billing"' in form

    response = client.post("/soporte/nueva/", {
        "subject": "  No puedo   descargar mi factura ", "category": "billing",
        "description": "Sale un error 500", "attachments": [text_file(), text_file("otra.log", b"x")],
    })
    ticket = Ticket.objects.latest("id")
    assert response["Location"] == page(ticket, "recibida/")
    assert (ticket.subject, ticket.channel, ticket.requester, ticket.custom_fields) == (
        "No puedo descargar mi factura", "portal", world.customer_a, {"category": "billing"})
    message = ticket.messages.get()
    assert sorted(a.filename for a in message.attachments.all()) == ["captura.txt", "otra.log"]

    done = client.get(response["Location"]).content.decode()
    assert f"<strong>#{ticket.number}</strong>" in done
    assert "A person from our team will read it and answer you here." in done


def test_the_confirmation_carries_the_sla_promise(world):
    with frozen_at(NOW):
        policy_create(actor=world.admin, name="Rápida",
                      targets={"first_response": {"minutes": 120, "calendar": Calendar.objects.get(name="24/7").pk}})
        client = client_for(world.customer_a.user)
        response = client.post("/soporte/nueva/", {"subject": "Urgente", "category": "problem", "description": "No abre"})
        done = client.get(response["Location"]).content.decode()
    assert "<p>We will answer before Monday, March 2 at 14:30, Central time.</p>" in done


@pytest.mark.parametrize(("data", "field"), [
    ({"subject": "", "category": "question", "description": "x"}, "subject"),
    ({"subject": "Hola", "category": "question", "description": "   "}, "description"),
    ({"subject": "Hola", "category": "nada", "description": "x"}, "category"),
])
def test_bad_new_request_input_is_shown_on_the_field_and_saves_nothing(world, data, field):
    before = Ticket.objects.count()
    response = client_for(world.customer_a.user).post("/soporte/nueva/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_{field}_error">' in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or f'aria-describedby="id_{field}_error"' in html
    assert Ticket.objects.count() == before


def test_an_oversized_attachment_is_a_clear_413_and_nothing_is_saved(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    before = (Ticket.objects.count(), Attachment.objects.count())
    response = client_for(world.customer_a.user).post("/soporte/nueva/", {
        "subject": "Con archivo", "category": "other", "description": "Va adjunto",
        "attachments": [text_file("enorme.log", b"x" * (1024 * 1024 + 1))],
    })
    html = response.content.decode()
    assert response.status_code == 413
    assert '<ul class="errorlist" id="id_attachments_error"><li>enorme.log' in html
    assert (Ticket.objects.count(), Attachment.objects.count()) == before


def test_an_empty_file_is_refused_on_the_field(world):
    response = client_for(world.customer_a.user).post(page(world.ticket_a, "responder/"), {
        "body": "Adjunto", "attachments": [text_file("vacio.txt", b"")]})
    assert response.status_code == 400
    assert 'id="id_attachments_error"' in response.content.decode()
    assert world.ticket_a.messages.count() == 2  # the first message and the referral note


# --- one request ---------------------------------------------------------------------------------

def test_the_conversation_shows_public_messages_and_attachments_only(world):
    message_create(actor=world.agent1, ticket=world.ticket_a, body="Nota interna: revisar DNS", internal=True)
    reply = message_create(actor=world.agent1, ticket=world.ticket_a, body="Ya lo revisamos.\nPrueba de nuevo.",
                           uploads=[text_file("pasos.txt")])
    html = client_for(world.customer_a.user).get(page(world.ticket_a)).content.decode()
    assert "Nota interna" not in html and "¿Puedes revisar el DNS?" not in html
    assert "Ya lo revisamos.<br>Prueba de nuevo." in html
    attachment = reply.attachments.get()
    assert f'<a href="/tickets/adjuntos/{attachment.public_id}/">pasos.txt</a>' in html
    assert f'<li id="m{reply.pk}" class="message message-agent">' in html


def test_user_content_renders_inert(world):
    evil = '<img src=x onerror=alert(1)>'
    ticket = ticket_create(actor=world.customer_a.user, subject=evil, body=f"{evil}<script>alert(2)</script>",
                           uploads=[text_file('"><script>x</script>.txt')])
    client = client_for(world.customer_a.user)
    for html in (client.get("/soporte/").content.decode(), client.get(page(ticket)).content.decode()):
        assert "<img src=x" not in html and "<script>alert" not in html and "<script>x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_request_page_query_count_is_constant(world, django_assert_num_queries):
    for n in range(3):
        message_create(actor=world.agent1, ticket=world.ticket_a, body=f"Respuesta {n}", uploads=[text_file()])
    client = client_for(world.customer_a.user)
    client.get(page(world.ticket_a))  # warms the branding cache
    # session, user, customer, ticket, messages, attachments
    with django_assert_num_queries(6):
        assert client.get(page(world.ticket_a)).status_code == 200


def test_reply_with_attachment(world):
    client = client_for(world.customer_a.user)
    response = client.post(page(world.ticket_a, "responder/"), {"body": "Aquí va el registro", "attachments": [text_file()]})
    message = world.ticket_a.messages.latest("id")
    assert response["Location"] == page(world.ticket_a) + f"#m{message.pk}"
    assert (message.body_text, message.author_customer, message.channel, message.kind) == (
        "Aquí va el registro", world.customer_a, "portal", "public")
    assert [a.filename for a in message.attachments.all()] == ["captura.txt"]
    html = client.get(page(world.ticket_a)).content.decode()
    assert "Aquí va el registro" in html and 'role="status"' in html


def test_an_empty_reply_is_a_clear_400_and_saves_nothing(world):
    response = client_for(world.customer_a.user).post(page(world.ticket_a, "responder/"), {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<textarea name="body" cols="40" rows="5" maxlength="200000" required aria-invalid="true" aria-describedby="id_body_error" id="id_body">' in html
    assert world.ticket_a.messages.count() == 2  # the first message and the referral note


def test_solve_and_reopen(world):
    client = client_for(world.customer_a.user)
    html = client.get(page(world.ticket_a)).content.decode()
    assert 'name="action" value="solve"' in html and 'value="reopen"' not in html

    assert client.post(page(world.ticket_a, "estado/"), {"action": "solve"})["Location"] == page(world.ticket_a)
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.status == "solved"
    html = client.get(page(world.ticket_a)).content.decode()
    assert 'value="reopen"' in html and 'value="solve"' not in html

    client.post(page(world.ticket_a, "estado/"), {"action": "reopen"})
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.status == "open"


def test_reopening_what_is_not_solved_is_refused_clearly(world):
    response = client_for(world.customer_a.user).post(page(world.ticket_a, "estado/"), {"action": "reopen"})
    assert response.status_code == 403
    assert '<p class="flash-error">You can mark your request as solved, or reopen a solved one.</p>' in response.content.decode()
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.status == "new"


def test_unknown_actions_are_a_400(world):
    response = client_for(world.customer_a.user).post(page(world.ticket_a, "estado/"), {"action": "close"})
    assert response.status_code == 400


def test_a_closed_request_offers_no_reply_and_refuses_one(world):
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "closed"})
    client = client_for(world.customer_a.user)
    html = client.get(page(world.ticket_a)).content.decode()
    assert '<form id="reply"' not in html and 'name="action"' not in html
    response = client.post(page(world.ticket_a, "responder/"), {"body": "¿Hola?"})
    assert response.status_code == 409
    assert "This ticket is closed; open a new request instead." in response.content.decode()
    assert Message.objects.filter(ticket=world.ticket_a).count() == 2
