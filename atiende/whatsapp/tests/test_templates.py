"""Templates (administrators) and the 24-hour window: free-form replies only within 24 hours of the
customer's last message; outside it, an approved template, never a reply that silently fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from atiende.core import clock
from atiende.tickets.models import Channel, Delivery, DeliveryStatus, Message, Ticket
from atiende.whatsapp import templating
from atiende.whatsapp.models import WhatsAppTemplate
from atiende.whatsapp.services import template_create

from .conftest import PHONE_NUMBER_ID, envelope, post, text_message

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"
T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
BODY = "Hola {{1}}, su pedido {{2}} está listo para recoger en sucursal. ¿Le ayudamos en algo más?"


@pytest.fixture
def ticket(number, graph, django_capture_on_commit_callbacks):
    with clock.frozen_at(T0), django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.IN", WA_ID, "¿Ya está mi pedido?")]))
    graph.requests.clear()  # the acknowledgement
    return Ticket.objects.get(channel=Channel.WHATSAPP)


@pytest.fixture
def template(number, world):
    return template_create(actor=world.admin, number=number, name="pedido_listo", language="es_MX", body=BODY)


def _api(world, user=None):
    client = world.client_for(user or world.agent1)
    client.credentials(**client._credentials, HTTP_ACCEPT_LANGUAGE="en")
    return client


# --- the window ----------------------------------------------------------------------------------

def test_within_24_hours_the_window_is_open_and_a_reply_goes_as_text(ticket, template, world, graph,
                                                                      django_capture_on_commit_callbacks):
    with clock.frozen_at(T0 + timedelta(hours=23, minutes=59)):
        data = _api(world).get(f"/api/v1/tickets/{ticket.pk}/reply-window/").json()
        assert data == {"limited": True, "open": True, "closes_at": "2026-12-02T09:00:00-06:00", "templates": [
            {"id": template.pk, "name": "pedido_listo", "language": "es_MX", "body": BODY, "variables": 2}]}
        with django_capture_on_commit_callbacks(execute=True):
            response = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Sí, ya está."}, format="json")
    assert response.status_code == 201, response.content
    assert graph.requests[0]["json"]["type"] == "text"


def test_after_24_hours_a_free_reply_is_refused_with_409_and_nothing_stored(ticket, world, graph,
                                                                             django_capture_on_commit_callbacks):
    before = Message.objects.count()
    with clock.frozen_at(T0 + timedelta(hours=24, minutes=1)):
        assert _api(world).get(f"/api/v1/tickets/{ticket.pk}/reply-window/").json()["open"] is False
        with django_capture_on_commit_callbacks(execute=True):
            response = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "¿Sigue ahí?"}, format="json")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "reply_window_closed"
        assert "within 24 hours" in error["message"]
        # An internal note is not a reply: it is taken.
        note = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Llamar mañana", "internal": True},
                                format="json")
        assert note.status_code == 201
    assert Message.objects.count() == before + 1
    assert not Delivery.objects.exists()
    assert graph.requests == []


def test_a_new_customer_message_opens_the_window_again(ticket, number, world, django_capture_on_commit_callbacks):
    later = T0 + timedelta(days=3)
    with clock.frozen_at(later), django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.IN2", WA_ID, "Hola otra vez")]))
    with clock.frozen_at(later + timedelta(hours=1)):
        data = _api(world).get(f"/api/v1/tickets/{ticket.pk}/reply-window/").json()
    assert (data["open"], data["closes_at"]) == (True, "2026-12-05T09:00:00-06:00")


def test_outside_the_window_a_template_is_sent_with_its_variables(ticket, template, world, graph,
                                                                   django_capture_on_commit_callbacks):
    with clock.frozen_at(T0 + timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        response = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {
            "template": {"id": template.pk, "variables": ["José", "A-1234"]}}, format="json")
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.body_text == ("Hola José, su pedido A-1234 está listo para recoger en sucursal. "
                                 "¿Le ayudamos en algo más?")
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.payload == {"template": {"id": template.pk, "name": "pedido_listo", "language": "es_MX",
                                             "parameters": ["José", "A-1234"]}}
    assert graph.requests[0]["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert graph.requests[0]["json"] == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": WA_ID, "type": "template",
        "template": {"name": "pedido_listo", "language": {"code": "es_MX"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "José"}, {"type": "text", "text": "A-1234"}]}]}}


@pytest.mark.parametrize(("variables", "field"), [
    (["José"], "variables"), (["José", "A-1", "extra"], "variables"), (["José", "  "], "variables"),
    (["José", "línea\notra"], "variables"),
])
def test_a_template_with_wrong_variables_is_refused(ticket, template, world, variables, field, graph):
    with clock.frozen_at(T0 + timedelta(days=2)):
        response = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {
            "template": {"id": template.pk, "variables": variables}}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Delivery.objects.exists()


def test_an_inactive_or_foreign_template_is_refused(ticket, template, world, number):
    template.active = False
    template.save()
    other = template_create(actor=world.admin, number=_other_number(world), name="otra", language="es", body="Hola")
    for template_id, code in ((template.pk, "template_inactive"), (other.pk, "unknown_template"),
                              (999999, "unknown_template")):
        response = _api(world).post(f"/api/v1/tickets/{ticket.pk}/messages/", {
            "template": {"id": template_id, "variables": ["a", "b"]}}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == code
    assert _api(world).get(f"/api/v1/tickets/{ticket.pk}/reply-window/").json()["templates"] == []
    assert not Delivery.objects.exists()


def test_a_ticket_of_another_channel_has_no_window_and_no_templates(world, template):
    data = _api(world).get(f"/api/v1/tickets/{world.ticket_a.pk}/reply-window/").json()
    assert data == {"limited": False, "open": True, "closes_at": None, "templates": []}
    response = _api(world).post(f"/api/v1/tickets/{world.ticket_a.pk}/messages/", {
        "template": {"id": template.pk, "variables": []}}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "no_templates")


def test_customers_do_not_read_the_window(world):
    assert _api(world, world.customer_a.user).get(f"/api/v1/tickets/{world.ticket_a.pk}/reply-window/").status_code == 403


# --- the ticket page -----------------------------------------------------------------------------

def _page(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_the_composer_says_until_when_replies_are_free(ticket, template, world):
    with clock.frozen_at(T0 + timedelta(hours=2)):
        page = _page(world).get(f"/tickets/{ticket.number}/").content.decode()
    assert "You can reply freely until 2 Dec, 09:00" in page  # America/Mexico_City
    assert 'name="template"' not in page


def test_outside_the_window_the_composer_offers_the_templates_and_sends_one(ticket, template, world, graph,
                                                                              django_capture_on_commit_callbacks):
    client = _page(world)
    with clock.frozen_at(T0 + timedelta(days=2)):
        page = client.get(f"/tickets/{ticket.number}/").content.decode()
        assert "Free-form replies are closed:" in page
        assert f'<input type="radio" name="template" value="{template.pk}"' in page
        assert f'name="template-{template.pk}-1"' in page and f'name="template-{template.pk}-2"' in page
        assert f'name="template-{template.pk}-3"' not in page
        last = Message.objects.filter(ticket=ticket).order_by("-pk").first().pk
        refused = client.post(f"/tickets/{ticket.number}/responder/", {"kind": "public", "body": "¿Sigue ahí?",
                                                                         "last_message_id": last})
        assert refused.status_code == 409
        assert "within 24 hours" in refused.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(f"/tickets/{ticket.number}/responder/", {
                "kind": "public", "template": template.pk, f"template-{template.pk}-1": "Ana",
                f"template-{template.pk}-2": "B-77", "last_message_id": last})
    assert sent.status_code == 302, sent.content.decode()[:3000]
    message = Message.objects.filter(ticket=ticket).order_by("-pk").first()
    assert message.body_text.startswith("Hola Ana, su pedido B-77 está listo")
    assert graph.requests[0]["json"]["type"] == "template"


# --- administrators manage templates ---------------------------------------------------------------

def test_an_admin_manages_a_numbers_templates(number, world):
    api = _api(world, world.admin)
    base = f"/api/v1/channels/whatsapp/{number.pk}/templates/"
    created = api.post(base, {"name": "recordatorio_cita", "language": "es_MX",
                              "body": "Le recordamos su cita del {{1}} a las {{2}}."}, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert {k: data[k] for k in ("name", "language", "variables", "active")} == {
        "name": "recordatorio_cita", "language": "es_MX", "variables": 2, "active": True}
    assert api.get(base).json()["results"][0]["id"] == data["id"]
    assert api.patch(f"{base}{data['id']}/", {"active": False}, format="json").json()["active"] is False
    assert api.delete(f"{base}{data['id']}/").status_code == 204
    assert not WhatsAppTemplate.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("name", "Pedido Listo"), ("name", "pedido-listo"), ("language", "español"), ("language", "es-MX"),
    ("body", "Hola {{2}}"), ("body", "Hola {{1}} y {{3}}"), ("body", "x" * 1025),
])
def test_bad_templates_are_refused(number, world, field, value):
    response = _api(world, world.admin).post(f"/api/v1/channels/whatsapp/{number.pk}/templates/",
                                             {"name": "ok", "language": "es", "body": "Hola {{1}}", field: value},
                                             format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not WhatsAppTemplate.objects.exists()


def test_one_name_and_language_per_number(number, world, template):
    response = _api(world, world.admin).post(f"/api/v1/channels/whatsapp/{number.pk}/templates/",
                                             {"name": "pedido_listo", "language": "es_MX", "body": "Hola"}, format="json")
    assert response.status_code == 400
    assert WhatsAppTemplate.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "agent1", "collaborator"])
def test_only_administrators_manage_templates(number, world, who, template):
    api = _api(world, getattr(world, who))
    base = f"/api/v1/channels/whatsapp/{number.pk}/templates/"
    assert api.get(base).status_code == 403
    assert api.post(base, {"name": "x", "language": "es", "body": "Hola"}, format="json").status_code == 403
    assert api.patch(f"{base}{template.pk}/", {"active": False}, format="json").status_code == 403
    assert api.delete(f"{base}{template.pk}/").status_code == 403
    template.refresh_from_db()
    assert template.active and WhatsAppTemplate.objects.count() == 1


def test_a_template_of_another_number_is_not_found_under_this_one(number, world, template):
    other = _other_number(world)
    assert _api(world, world.admin).get(
        f"/api/v1/channels/whatsapp/{other.pk}/templates/{template.pk}/").status_code == 404


def test_rendering_never_substitutes_inside_a_value():
    assert templating.render("{{1}} y {{2}}", ["{{2}}", "b"]) == "{{2}} y b"
    assert templating.variable_count("sin variables") == 0


def _other_number(world):
    from atiende.whatsapp.services import number_create

    return number_create(actor=world.admin, name="Otra", phone_number_id="999", verify_token="v", app_secret="a",
                         access_token="t", api_base="https://graph.facebook.com/v21.0")
