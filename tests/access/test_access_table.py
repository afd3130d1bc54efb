"""One test per cell of the access table, against the API and, where one exists, the pages.

Each cell checks the decision and its consequence: allowed -> 2xx and the object is there;
denied -> 401/403/404, the object's secret text is absent from the response, nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atiende.accounts.models import ApiToken
from atiende.accounts.permissions import is_staff_agent
from atiende.accounts.services import token_issue
from atiende.appointments.models import Appointment, AppointmentType
from atiende.appointments.services import appointment_book, type_create
from atiende.assets.models import Asset, AssetLink, Product, Warranty
from atiende.assets.services import asset_create, asset_link, product_create
from atiende.automation.models import TimeRule, Trigger
from atiende.calls.models import Call
from atiende.calls.services import (
    call_event_receive,
    call_log,
    callback_request,
    telephony_system_create,
)
from atiende.chat.models import ChatSession, ChatSite, SessionState
from atiende.chat.services import session_accept, session_start, site_create
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.customers.models import Customer
from atiende.customers.services import customer_create, customer_update
from atiende.kb import services as kb_services
from atiende.kb.models import Category as KbCategory
from atiende.kb.models import Vote as KbVote
from atiende.macros.models import Macro
from atiende.macros.services import macro_create
from atiende.mail.models import DeliveryStatus, InboundMessage, OutboundEmail
from atiende.maintenance.models import MaintenancePlan, MaintenanceVisit
from atiende.maintenance.services import maintenance_pass, plan_create
from atiende.replycheck.selectors import confirmation_codes
from atiende.returns.models import Rma
from atiende.returns.services import rma_open
from atiende.routing.models import AgentProfile, AgentSkill, RoutingRule, Skill, TeamRouting
from atiende.selfservice.models import Deflection
from atiende.signin import selectors as signin_selectors
from atiende.signin import services as signin_services
from atiende.signin import totp
from atiende.signin.models import SignedInSession, TotpDevice
from atiende.sla.models import Calendar
from atiende.sla.models import Policy as SlaPolicy
from atiende.sla.selectors import customer_hours
from atiende.sla.services.policies import policy_create
from atiende.telegram.models import TelegramBot, TelegramUpdate
from atiende.telegram.services import bot_create
from atiende.tickets.models import CustomerMerge, Delivery, Message, Ticket
from atiende.tickets.models import DeliveryStatus as TicketDeliveryStatus
from atiende.tickets.services import message_create
from atiende.tickets.services.customer_merge import customer_merge
from atiende.webhooks.models import Delivery as WebhookDelivery
from atiende.webhooks.models import Subscription
from atiende.webhooks.services import subscription_create
from atiende.whatsapp.models import WhatsAppNumber, WhatsAppTemplate
from atiende.whatsapp.services import number_create, template_create
from tests.oidc_provider import configured as oidc_configured

from .table import CELLS

DENIED = {401, 403, 404}
CALLBACK_NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # a Thursday, 10:00 in Mexico City


@dataclass
class Scene:
    world: object
    public_message: Message
    internal_note: Message
    attachment_id: str
    note_attachment_id: str
    policy: SlaPolicy
    email: OutboundEmail
    delivery: Delivery
    number: WhatsAppNumber
    bot: TelegramBot
    call: Call
    callback: Ticket
    chat_site: ChatSite
    waiting_chat: ChatSession
    held_chat: ChatSession


CHAT_ORIGIN = "https://tienda-a.example"


@pytest.fixture
def scene(world) -> Scene:
    public = message_create(
        actor=world.agent1, ticket=world.ticket_a, body="Respuesta pública: revisa tus DNS",
        uploads=[SimpleUploadedFile("captura.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)],
    )
    note = message_create(
        actor=world.agent1, ticket=world.ticket_a, body="Nota interna: cliente moroso", internal=True,
        uploads=[SimpleUploadedFile("interno.txt", b"solo agentes")],
    )
    always = Calendar.objects.get(name="24/7")
    policy = policy_create(actor=world.admin, name="Política secreta",
                           targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    email = OutboundEmail.objects.create(ticket=world.ticket_a, message=public, header_id="r1@nopal.mx",
                                         subject="x", status=DeliveryStatus.FAILED, last_error="550")
    delivery = Delivery.objects.create(message=public, channel="email", status=TicketDeliveryStatus.FAILED,
                                       failure_reason="550")
    original = InboundMessage(key="o1@tienda-a.mx", header_id="o1@tienda-a.mx", source="file", kind="reply",
                              ticket=world.ticket_a, message=world.ticket_a.messages.order_by("id").first())
    original.raw.save("m.eml", ContentFile(b"From: ana@tienda-a.mx\r\n\r\nOriginal secreto\r\n"))
    number = number_create(actor=world.admin, name="Número secreto", phone_number_id="1065403522",
                           verify_token="vt-secreto", app_secret="as-secreto", access_token="at-secreto")
    # Nothing listens on the discard port: no setWebhook leaves this machine.
    bot = bot_create(actor=world.admin, site="https://soporte.example.mx/", name="Bot secreto",
                     bot_token="7712345678:" + "S" * 35, secret_token="st-secreto", api_base="http://127.0.0.1:9")
    # Phone: A's number; a call logged on A's ticket; A calling now; a call back A asked for.
    customer_update(actor=world.admin, customer=world.customer_a,
                    changes={"identities": {"email": "ana@tienda-a.mx", "phone": "+52 55 1234 5678"}})
    call = call_log(actor=world.admin, phone="+52 55 1234 5678", direction="outbound", outcome="answered",
                    notes="Llamada secreta: pidió descuento", ticket_id=world.ticket_a.pk).call
    system, _token = telephony_system_create(actor=None, name="Conmutador")
    call_event_receive(system=system, event="ringing", call_id="acceso-1", from_number="+52 55 1234 5678")
    hours, _zone = customer_hours(customer=world.customer_a, channel="phone")
    with clock.frozen_at(CALLBACK_NOW):
        callback = callback_request(actor=world.customer_a.user, phone="+52 55 1234 5678",
                                    preferred_at=datetime(2026, 12, 4, 18, 0, tzinfo=UTC), topic="Renovación secreta",
                                    hours=hours, time_zone="America/Mexico_City")
    chat_site = site_create(name="Chat secreto", allowed_origins=[CHAT_ORIGIN], team=world.team1)
    chats = [session_start(site=chat_site, origin=CHAT_ORIGIN, name="Vera Visitante", email="vera@correo.example",
                           question=f"Pregunta secreta {n}").session for n in (1, 2)]
    session_accept(actor=world.agent1, session_id=chats[1].pk)
    return Scene(world, public, note, str(public.attachments.get().public_id), str(note.attachments.get().public_id),
                 policy, email, delivery, number, bot, call, callback, chat_site, chats[0],
                 ChatSession.objects.get(pk=chats[1].pk))


def actor_user(world, actor: str):
    return {
        "anonymous": None,
        "customer_a": world.customer_a.user,
        "colleague_a": world.colleague_a.user,
        "org_admin_a": world.org_admin_a.user,
        "customer_b": world.customer_b.user,
        "agent_team1": world.agent1,
        "agent_team2": world.agent2,
        "collaborator": world.collaborator,
        "supervisor": world.supervisor,
        "admin": world.admin,
    }[actor]


def page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def check(response, allowed: bool, *, secret: str | None = None) -> None:
    if allowed:
        assert response.status_code in (200, 201, 202, 204), (response.status_code, response.content[:300])
    else:
        assert response.status_code in DENIED, (response.status_code, response.content[:300])
        if secret:
            assert secret.encode() not in b"".join(getattr(response, "streaming_content", [response.content]))


def run_cell(scene: Scene, actor: str, obj: str, action: str, allowed: bool) -> None:
    w = scene.world
    user = actor_user(w, actor)
    api = w.client_for(user)
    ticket = w.ticket_a
    before = Ticket.objects.get(pk=ticket.pk)
    messages_before = Message.objects.filter(ticket=ticket).count()

    if obj in ("trigger", "time_rule"):
        run_rule_cell(w, user, api, obj, action, allowed)
        return
    if obj == "notice" or (obj, action) == ("customer", "view_notices"):
        run_notice_cell(w, user, action, allowed)
        return
    if (obj, action) == ("ticket", "view"):
        check(api.get(f"/api/v1/tickets/{ticket.pk}/"), allowed, secret=ticket.subject)
        listed = api.get("/api/v1/tickets/")
        if user is not None:
            ids = [t["id"] for t in listed.json()["results"]]
            assert (ticket.pk in ids) is allowed
        page = page_client(user).get("/", follow=True)  # the inbox for agents, the portal for customers
        if user is None:
            assert page.redirect_chain[-1][0].startswith("/cuenta/entrar/")
        else:
            assert (ticket.subject in page.content.decode()) is allowed
    elif (obj, action) == ("ticket", "update"):
        check(api.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent"}, format="json"), allowed)
        after = Ticket.objects.get(pk=ticket.pk)
        assert (after.priority == "urgent") is allowed
        if not allowed:
            assert after.updated_at == before.updated_at
    elif (obj, action) in (("ticket", "reply"), ("ticket", "add_note")):
        internal = action == "add_note"
        response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "hola", "internal": internal}, format="json")
        check(response, allowed)
        assert Message.objects.filter(ticket=ticket).count() == messages_before + (1 if allowed else 0)
    elif (obj, action) == ("ticket", "view_history"):
        check(api.get(f"/api/v1/tickets/{ticket.pk}/events/"), allowed, secret="collaborator_added")
    elif action == "search":
        run_search_cell(w, user, obj, allowed)
    elif obj in ("message", "internal_note"):
        message = scene.public_message if obj == "message" else scene.internal_note
        response = api.get(f"/api/v1/tickets/{ticket.pk}/messages/")
        if response.status_code == 200:
            ids = [m["id"] for m in response.json()["results"]]
            assert (message.pk in ids) is allowed
            assert (message.body_text in response.content.decode()) is allowed
        else:
            assert not allowed and response.status_code in DENIED
            assert message.body_text.encode() not in response.content
    elif obj in ("attachment", "note_attachment"):
        public_id = scene.attachment_id if obj == "attachment" else scene.note_attachment_id
        check(api.get(f"/api/v1/attachments/{public_id}/"), allowed)
        page = page_client(user).get(f"/tickets/adjuntos/{public_id}/")
        if user is None:
            assert page.status_code == 302 and "/cuenta/entrar/" in page["Location"]
        else:
            check(page, allowed)
    elif (obj, action) in (("customer", "merge"), ("customer", "merge_login"), ("customer_merge", "undo")):
        run_merge_cell(w, user, obj, action, allowed)
    elif obj == "customer":
        url = f"/api/v1/customers/{w.customer_a.pk}/"
        if action == "view":
            check(api.get(url), allowed, secret="ana@tienda-a.mx")
        else:
            check(api.patch(url, {"name": "Nombre cambiado"}, format="json"), allowed)
            w.customer_a.refresh_from_db()
            assert (w.customer_a.name == "Nombre cambiado") is allowed
    elif obj == "organization":
        url = f"/api/v1/organizations/{w.org_a.pk}/"
        if action == "view":
            check(api.get(url), allowed, secret=w.org_a.name)
        else:
            check(api.patch(url, {"name": "Otra razón social"}, format="json"), allowed)
            w.org_a.refresh_from_db()
            assert (w.org_a.name == "Otra razón social") is allowed
    elif obj == "team":
        url = f"/api/v1/teams/{w.team1.pk}/"
        if action == "view":
            check(api.get(url), allowed, secret=w.team1.name)
        else:
            check(api.patch(url, {"name": "Primer nivel"}, format="json"), allowed)
            w.team1.refresh_from_db()
            assert (w.team1.name == "Primer nivel") is allowed
    elif (obj, action) == ("ticket", "view_sla_clocks"):
        response = api.get(f"/api/v1/tickets/{ticket.pk}/sla/")
        shown = response.status_code == 200 and "clocks" in response.json()
        assert shown is allowed, (response.status_code, response.content[:300])
        if not allowed and response.status_code == 200:
            assert set(response.json()) == {"promise"}  # who sees the ticket but not its clocks
        elif not allowed:
            assert response.status_code in DENIED
    elif obj == "sla_policy":
        url = f"/api/v1/sla-policies/{scene.policy.pk}/"
        if action == "view":
            check(api.get(url), allowed, secret=scene.policy.name)
        else:
            check(api.patch(url, {"name": "Renombrada"}, format="json"), allowed)
            scene.policy.refresh_from_db()
            assert (scene.policy.name == "Renombrada") is allowed
    elif obj == "sla_attainment":
        check(api.get("/api/v1/sla-attainment/"), allowed)
        page = page_client(user).get("/sla/cumplimiento/")
        assert (page.status_code == 200) is allowed
    elif obj == "staffing":
        answer = api.get("/api/v1/staffing/erlang-c/", {"contacts_per_hour": "200", "aht_seconds": "180"})
        check(answer, allowed)
        assert (answer.status_code == 200 and answer.json()["agents"] == 14) is allowed
        page = page_client(user).get("/bandeja/personal/")
        assert (page.status_code == 200 and b"arrivals-heat-map" in page.content) is allowed, page.status_code
    elif obj == "reports":
        answer = api.get("/api/v1/reports/summary/", {"group_by": "team"})
        check(answer, allowed, secret=w.team1.name)
        assert (answer.status_code == 200 and answer.json()["total"]["created"] >= 1) is allowed
        raw = api.get("/api/v1/reports/summary/", {"format": "csv"})
        check(raw, allowed)
        assert raw.content.startswith("\ufeff".encode()) is allowed
        page = page_client(user).get("/bandeja/informes/")
        assert (page.status_code == 200 and b"arrivals-heat-map" in page.content) is allowed, page.status_code
        drill = page_client(user).get("/bandeja/informes/tickets/", {"metric": "created"})
        assert (drill.status_code == 200 and w.ticket_a.subject.encode() in drill.content) is allowed, drill.status_code
    elif obj == "email":
        check(api.post(f"/api/v1/emails/{scene.email.pk}/retry/"), allowed)
        scene.email.refresh_from_db()
        assert (scene.email.status != DeliveryStatus.FAILED) is allowed
    elif obj == "delivery":
        check(api.post(f"/api/v1/deliveries/{scene.delivery.pk}/retry/"), allowed)
        scene.delivery.refresh_from_db()
        assert (scene.delivery.status != TicketDeliveryStatus.FAILED) is allowed
    elif obj == "email_original":
        first = ticket.messages.order_by("id").first()
        check(api.get(f"/api/v1/messages/{first.pk}/original/"), allowed, secret="Original secreto")
    elif obj == "whatsapp_number":
        url = f"/api/v1/channels/whatsapp/{scene.number.pk}/"
        if action == "view":
            check(api.get(url), allowed, secret=scene.number.name)
            check(api.get("/api/v1/channels/whatsapp/"), allowed, secret=scene.number.name)
        else:
            check(api.patch(url, {"name": "Renombrado"}, format="json"), allowed)
            scene.number.refresh_from_db()
            assert (scene.number.name == "Renombrado") is allowed
            created = api.post("/api/v1/channels/whatsapp/", {"name": "Otro", "phone_number_id": "42", "verify_token": "v",
                                                             "app_secret": "a", "access_token": "t"}, format="json")
            check(created, allowed)
            assert WhatsAppNumber.objects.filter(phone_number_id="42").exists() is allowed
    elif obj == "whatsapp_template":
        template = template_create(actor=w.admin, number=scene.number, name="plantilla_secreta", language="es_MX",
                                   body="Hola {{1}}")
        base = f"/api/v1/channels/whatsapp/{scene.number.pk}/templates/"
        if action == "view":
            check(api.get(base), allowed, secret="plantilla_secreta")
            check(api.get(f"{base}{template.pk}/"), allowed, secret="plantilla_secreta")
        else:
            check(api.patch(f"{base}{template.pk}/", {"active": False}, format="json"), allowed)
            template.refresh_from_db()
            assert template.active is not allowed
            check(api.post(base, {"name": "otra", "language": "es", "body": "Hola"}, format="json"), allowed)
            assert WhatsAppTemplate.objects.filter(name="otra").exists() is allowed
            check(api.delete(f"{base}{template.pk}/"), allowed)
            assert WhatsAppTemplate.objects.filter(pk=template.pk).exists() is not allowed
    elif obj == "ticket" and action == "reply_window":
        check(api.get(f"/api/v1/tickets/{ticket.pk}/reply-window/"), allowed)
    elif obj == "telegram_bot":
        run_telegram_cell(scene, api, action, allowed)
    elif obj == "telegram_update":
        update = {"update_id": 1, "message": {"message_id": 1, "date": 1765000000, "text": "hola",
                                              "from": {"id": 5, "is_bot": False, "first_name": "Ana"},
                                              "chat": {"id": 5, "type": "private"}}}
        check(api.post(f"/api/v1/channels/telegram/{scene.bot.pk}/webhook/", update, format="json"), allowed)
        assert TelegramUpdate.objects.exists() is allowed
    elif obj in ("call", "caller_notice", "callback"):
        run_phone_cell(scene, user, obj, action, allowed)
    elif obj.startswith("chat_"):
        run_chat_cell(scene, user, obj, action, allowed)
    elif action in ("portal_suggest", "deflect", "suggest_articles") or obj in ("selfservice_report", "guide"):
        run_selfservice_cell(w, user, obj, action, allowed)
    elif obj.startswith("kb_"):
        run_kb_cell(w, user, obj, action, allowed)
    elif (obj, action) == ("ticket", "escalate") or obj == "consultation":
        run_routing_cell(w, api, obj, action, allowed)
    elif obj.startswith("webhook"):
        run_webhook_cell(w, api, obj, action, allowed)
        run_webhook_page_cell(w, user, obj, action, allowed)
    elif obj in ("macro", "personal_macro") and action == "create":
        run_macro_create_cell(w, user, allowed)
    elif obj in ("macro", "personal_macro"):
        run_macro_page_cell(w, user, obj, action, allowed)
        run_macro_cell(w, api, obj, action, allowed)
    elif obj in ("routing_rule", "team_routing", "agent_routing", "skill"):
        run_routing_admin_cell(w, user, obj, action, allowed)
    elif obj in ("product", "asset", "org_asset") or (obj, action) == ("ticket", "view_assets"):
        run_assets_cell(w, user, api, obj, action, allowed)
    elif obj == "audit_log":
        run_audit_cell(w, user, api, allowed)
    elif obj in ("arco_request", "personal_data"):
        run_arco_cell(w, user, api, obj, action, allowed)
    elif obj.startswith("privacy_"):
        run_privacy_cell(w, user, obj, allowed)
    elif obj == "rma":
        run_rma_cell(w, user, api, action, allowed)
    elif obj.startswith("credit"):
        run_credit_cell(w, user, api, action, allowed)
    elif obj.endswith(("maintenance_plan", "maintenance_visit")):
        run_maintenance_cell(w, user, api, obj, action, allowed)
    elif obj.startswith("appointment") or (obj, action) == ("ticket", "book_appointment"):
        run_appointments_cell(w, user, api, obj, action, allowed)
    elif obj.startswith("survey") or action in ("view_satisfaction", "view_outcome", "solve_with_outcome"):
        run_feedback_cell(w, user, api, obj, action, allowed)
    elif obj == "reply_coaching":
        run_coaching_cell(w, user, allowed)
    elif obj in ("reply_check", "reply_checker") or (obj, action) == ("ticket", "check_reply"):
        run_reply_check_cell(w, user, api, obj, allowed)
    elif obj in ("account_security", "login_session", "api_token", "two_factor", "two_factor_policy"):
        run_signin_cell(w, user, obj, allowed)
    elif obj == "single_sign_on":
        run_sso_cell(user, allowed)
    else:  # pragma: no cover - a new row in the table needs its driver here
        raise AssertionError(f"no driver for {obj}/{action}")


def run_arco_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    from atiende.arco.models import ArcoRequest, DataExport
    from atiende.arco.services import export_request, request_record

    request = request_record(actor=w.admin, kind="access", text="Petición ARCO secreta", customer_id=w.customer_a.pk)
    page = page_client(user)
    if action == "view":
        response = page.get("/bandeja/arco/")
        if allowed:
            assert response.status_code == 200 and "Petición ARCO secreta" in response.content.decode()
        else:
            _page_denied(response, user)
            assert b"Petici\xc3\xb3n ARCO secreta" not in response.content
    elif action == "create":
        customer_side = user is not None and user.kind == "customer"
        url = "/soporte/mis-datos/" if customer_side else "/bandeja/arco/nueva/"
        response = page.post(url, {"kind": "opposition", "text": "", "customer": str(w.customer_b.pk)})
        if allowed:
            assert response.status_code == 302, response.status_code
        else:
            _page_denied(response, user)
        assert ArcoRequest.objects.filter(kind="opposition").exists() is allowed
    elif action == "update":
        _page_allowed(page.post(f"/bandeja/arco/{request.pk}/", {"action": "state", "state": "in_progress"}),
                      user, allowed)
        assert (ArcoRequest.objects.get(pk=request.pk).state == "in_progress") is allowed
    elif action == "export":
        started = api.post(f"/api/v1/customers/{w.customer_a.pk}/export/")
        check(started, allowed)
        export = export_request(actor=w.admin, customer_id=w.customer_a.pk)
        check(api.get(f"/api/v1/data-exports/{export.pk}/"), allowed)
        check(api.get(f"/api/v1/data-exports/{export.pk}/download/?signature=x"), False)
        assert DataExport.objects.count() == (2 if allowed else 1)
    else:
        check(api.post(f"/api/v1/customers/{w.customer_a.pk}/erase/"), allowed)
        assert Customer.objects.get(pk=w.customer_a.pk).name == "Ana Cliente"  # the erasure runs after the commit


def run_audit_cell(w, user, api, allowed: bool) -> None:
    audit_record("data.exported", actor=w.admin, target=w.customer_a, after={"nota": "Bitácora secreta"})
    check(api.get("/api/v1/audit-log/"), allowed, secret="Bitácora secreta")
    check(api.get("/api/v1/audit-log/?format=csv"), allowed, secret="Bitácora secreta")
    page = page_client(user).get("/bandeja/auditoria/")
    if allowed:
        assert page.status_code == 200 and "Bitácora secreta" in page.content.decode()
    else:
        _page_denied(page, user)
        assert "Bitácora secreta".encode() not in page.content


def run_privacy_cell(w, user, obj: str, allowed: bool) -> None:
    from atiende.core.retention import KINDS
    from atiende.privacy.models import PrivacyNotice, RetentionRule
    from atiende.privacy.services import notice_publish

    client = page_client(user)
    if obj == "privacy_notice":
        notice_publish(actor=w.admin, body_es="Aviso de privacidad de Tienda A")
        page = client.get("/privacidad/")
        assert page.status_code == 200 and "Aviso de privacidad de Tienda A" in page.content.decode()
        return
    for path in ("/bandeja/privacidad/", "/bandeja/privacidad/retencion/prueba/"):
        page = client.get(path)
        if allowed:
            assert page.status_code == 200, path
        else:
            _page_denied(page, user)
    client.post("/bandeja/privacidad/", {"body_es": "Aviso nuevo", "body_en": ""})
    assert PrivacyNotice.objects.filter(body_es="Aviso nuevo").exists() is allowed
    rules = {f"{key}-{name}": value for key in KINDS for name, value in (("amount", "5"), ("unit", "years"))}
    client.post("/bandeja/privacidad/retencion/", {**rules, "audit_log-enabled": "on"})
    assert RetentionRule.objects.filter(kind="audit_log", enabled=True).exists() is allowed


def run_webhook_cell(w, api, obj: str, action: str, allowed: bool) -> None:
    # Nothing listens on the discard port; the attempts queued after commit never run here.
    hook = subscription_create(actor=w.admin, url="https://hooks.example.mx/secreto", events=["ticket.created"],
                               description="Webhook secreto", secret="s" * 20)
    delivery = WebhookDelivery.objects.create(subscription=hook, event="ticket.created", body='{"secreto": 1}',
                                              status="failed")
    url = f"/api/v1/webhooks/{hook.pk}/"
    if (obj, action) == ("webhook", "view"):
        check(api.get(url), allowed, secret="Webhook secreto")
        check(api.get("/api/v1/webhooks/"), allowed, secret="Webhook secreto")
    elif (obj, action) == ("webhook", "update"):
        check(api.patch(url, {"description": "Renombrado"}, format="json"), allowed)
        hook.refresh_from_db()
        assert (hook.description == "Renombrado") is allowed
        created = api.post("/api/v1/webhooks/", {"url": "https://otro.example.mx/", "events": ["ticket.solved"]},
                           format="json")
        check(created, allowed)
        assert Subscription.objects.filter(url="https://otro.example.mx/").exists() is allowed
    elif obj == "webhook":
        check(api.delete(url), allowed)
        assert Subscription.objects.filter(pk=hook.pk).exists() is not allowed
    elif action == "view":
        check(api.get(f"{url}deliveries/"), allowed, secret=str(delivery.public_id))
        check(api.get(f"{url}deliveries/{delivery.public_id}/"), allowed, secret="secreto")
    else:
        check(api.post(f"{url}deliveries/{delivery.public_id}/redeliver/"), allowed)
        delivery.refresh_from_db()
        assert (delivery.status == "pending") is allowed


def run_telegram_cell(scene: Scene, api, action: str, allowed: bool) -> None:
    url = f"/api/v1/channels/telegram/{scene.bot.pk}/"
    if action == "view":
        check(api.get(url), allowed, secret=scene.bot.name)
        check(api.get("/api/v1/channels/telegram/"), allowed, secret=scene.bot.name)
    elif action == "update":
        check(api.patch(url, {"name": "Renombrado"}, format="json"), allowed)
        scene.bot.refresh_from_db()
        assert (scene.bot.name == "Renombrado") is allowed
        created = api.post("/api/v1/channels/telegram/", {"name": "Otro", "bot_token": "42:" + "T" * 35,
                                                          "secret_token": "s", "api_base": "http://127.0.0.1:9"},
                           format="json")
        check(created, allowed)
        assert TelegramBot.objects.filter(telegram_id="42").exists() is allowed
    else:
        check(api.delete(url), allowed)
        assert TelegramBot.objects.filter(pk=scene.bot.pk).exists() is not allowed
def _page_denied(response, user) -> None:
    """A page refused: anonymous visitors and people of the other side are sent elsewhere."""
    if user is None or response.status_code == 302:
        assert response.status_code == 302, response.status_code
    else:
        assert response.status_code in DENIED, response.status_code


def run_phone_cell(scene: Scene, user, obj: str, action: str, allowed: bool) -> None:
    w = scene.world
    api = w.client_for(user)
    if (obj, action) == ("call", "log"):
        before = Call.objects.count()
        response = api.post("/api/v1/calls/", {"phone": "+52 55 8000 0001", "direction": "inbound",
                                               "outcome": "answered"}, format="json")
        check(response, allowed)
        form = page_client(user).post("/bandeja/llamadas/nueva/", {
            "phone": "+52 55 8000 0002", "direction": "inbound", "outcome": "missed", "started_at": "2026-12-04T10:15",
            "duration_minutes": "0", "duration_seconds": "0"})
        if allowed:
            assert form.status_code == 302 and form["Location"].startswith("/tickets/")
        else:
            _page_denied(form, user)
        assert Call.objects.count() == before + (2 if allowed else 0)
    elif (obj, action) == ("call", "view"):
        response = api.get("/api/v1/calls/")
        if response.status_code == 200:
            assert (scene.call.pk in [row["id"] for row in response.json()["results"]]) is allowed
            assert ("Llamada secreta" in response.content.decode()) is allowed
        else:
            assert not allowed and response.status_code in DENIED
            assert b"Llamada secreta" not in response.content
    elif obj == "caller_notice":
        response = page_client(user).get("/bandeja/llamadas/avisos/")
        if allowed:
            assert response.status_code == 200 and w.customer_a.name in response.content.decode()
        else:
            _page_denied(response, user)
            assert w.customer_a.name.encode() not in response.content
    elif (obj, action) == ("callback", "request"):
        before = Ticket.objects.filter(channel="phone").count()
        with clock.frozen_at(CALLBACK_NOW):
            response = page_client(user).post("/soporte/llamada/", {"phone": "+52 55 8000 0003",
                                                                    "preferred_at": "2026-12-04T11:00", "topic": "Factura"})
        if allowed:
            assert response.status_code == 302 and "/llamada/" in response["Location"]
        else:
            _page_denied(response, user)
        assert Ticket.objects.filter(channel="phone").count() == before + (1 if allowed else 0)
    elif (obj, action) == ("callback", "view"):
        response = page_client(user).get(f"/soporte/solicitudes/{scene.callback.number}/llamada/")
        if allowed:
            assert response.status_code == 200 and scene.callback.subject in response.content.decode()
        else:
            _page_denied(response, user)
            assert scene.callback.subject.encode() not in response.content


def run_rule_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    base = "/api/v1/triggers/" if obj == "trigger" else "/api/v1/time-rules/"
    model = Trigger if obj == "trigger" else TimeRule
    extra = {"event": "ticket.created"} if obj == "trigger" else {"after_minutes": 30}
    rule = model.objects.create(name="Regla secreta", actions=[{"type": "add_tags", "value": ["x"]}], **extra)
    page = f"/bandeja/reglas/{'disparadores' if obj == 'trigger' else 'temporales'}/{rule.pk}/"
    if action == "view":
        check(api.get(base), allowed, secret="Regla secreta")
        check(api.get(f"{base}{rule.pk}/"), allowed, secret="Regla secreta")
        check(api.post(f"{base}{rule.pk}/dry-run/"), allowed, secret=w.ticket_a.subject)
        browser = page_client(user)  # the workspace pages: admins; everyone else a 404 or the sign-in
        for url in ("/bandeja/reglas/", page):
            response = browser.get(url)
            assert (response.status_code == 200) is allowed, (url, response.status_code)
            assert (b"Regla secreta" in response.content) is allowed
    else:
        check(api.patch(f"{base}{rule.pk}/", {"active": False}, format="json"), allowed)
        rule.refresh_from_db()
        assert (rule.active is False) is allowed
        model.objects.filter(pk=rule.pk).update(active=False)
        page_client(user).post(f"{page}activar/")
        rule.refresh_from_db()
        assert (rule.active is True) is allowed  # turned on by the page's one-click toggle
        created = api.post(base, {"name": "Nueva", "actions": [{"type": "note", "value": "hola"}], **extra}, format="json")
        check(created, allowed)
        assert model.objects.filter(name="Nueva").exists() is allowed


def run_merge_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    api = w.client_for(user)
    if action == "merge_login":
        source = w.colleague_a
    else:
        source = customer_create(name="Ana por WhatsApp", identities={"whatsapp": "+52 55 1234 5678"}, organization=w.org_a)
    if obj == "customer_merge":
        merge = customer_merge(actor=w.admin, source=source, target=w.customer_a)
        check(api.post(f"/api/v1/customer-merges/{merge.pk}/undo/"), allowed)
        source.refresh_from_db()
        assert (source.merged_into_id is None) is allowed
        return
    check(api.post(f"/api/v1/customers/{source.pk}/merge/", {"target": w.customer_a.pk}, format="json"), allowed)
    source.refresh_from_db()
    assert (source.merged_into_id == w.customer_a.pk) is allowed
    assert CustomerMerge.objects.filter(source=source).exists() is allowed


def chat_answer(response, allowed: bool) -> None:
    """Allowed: back to the queue or on to the ticket. Denied: 404, or sent to sign in / the portal."""
    location = response.get("Location", "")
    if allowed:
        assert response.status_code == 302 and location.startswith(("/bandeja/chat/", "/tickets/")), (
            response.status_code, location, response.content[:300])
    else:
        assert response.status_code in DENIED or (response.status_code == 302 and location.startswith(
            ("/cuenta/entrar/", "/soporte/"))), (response.status_code, location)


def run_chat_cell(scene: Scene, user, obj: str, action: str, allowed: bool) -> None:
    page = page_client(user)
    waiting, held = scene.waiting_chat, scene.held_chat
    if obj == "chat_queue":
        response = page.get("/bandeja/chat/")
        shown = response.status_code == 200 and "Pregunta secreta 1" in response.content.decode()
        assert shown is allowed, (response.status_code, response.content[:300])
    elif action == "accept":
        response = page.post(f"/bandeja/chat/{waiting.pk}/aceptar/")
        chat_answer(response, allowed)
        waiting.refresh_from_db()
        assert (waiting.state == SessionState.ACTIVE) is allowed
    elif action == "transfer":
        response = page.post(f"/bandeja/chat/{held.pk}/transferir/", {"to": ""})
        chat_answer(response, allowed)
        held.refresh_from_db()
        assert (held.state == SessionState.QUEUED) is allowed
    elif action == "end":
        response = page.post(f"/bandeja/chat/{held.pk}/terminar/")
        chat_answer(response, allowed)
        held.refresh_from_db()
        assert (held.state == SessionState.ENDED) is allowed
    elif obj == "chat_conversation":
        # A signed-in account's cookie, from the site's own origin, without the visitor's token.
        page.defaults["HTTP_ORIGIN"] = CHAT_ORIGIN
        response = page.get(f"/chat/api/sessions/{waiting.public_id}/messages/")
        check(response, allowed, secret="Pregunta secreta 1")
        sent = page.post(f"/chat/api/sessions/{waiting.public_id}/messages/", '{"text": "hola", "id": "a1"}',
                         content_type="application/json")
        check(sent, allowed)
        assert Message.objects.filter(ticket=waiting.ticket).count() == 1
    elif obj == "chat_site":
        response = page.get(f"/admin/chat/chatsite/{scene.chat_site.pk}/change/")
        if allowed:
            assert response.status_code == 200 and scene.chat_site.name in response.content.decode()
        else:
            assert response.status_code in (302, 403, 404) and scene.chat_site.name not in response.content.decode()
    else:  # pragma: no cover
        raise AssertionError(f"no driver for {obj}/{action}")


def run_search_cell(w, user, obj: str, allowed: bool) -> None:
    """A's ticket found by a word of its subject ("ticket") or of its internal note only."""
    text = "dominio resuelve" if obj == "ticket" else "moroso"
    response = w.client_for(user).get("/api/v1/tickets/", {"q": text})
    if user is None:
        assert response.status_code in DENIED
        return
    assert response.status_code == 200
    assert (w.ticket_a.pk in [row["id"] for row in response.json()["results"]]) is allowed
    if not allowed:
        assert b"moroso" not in response.content
    if is_staff_agent(user):  # the workspace search page is for staff agents
        page = page_client(user).get("/bandeja/buscar/", {"q": text}).content.decode()
        assert (f"/tickets/{w.ticket_a.number}/" in page) is allowed
        assert ("<mark>moroso</mark>" in page) is (allowed and obj == "internal_note")


def run_kb_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    api, page = w.client_for(user), page_client(user)
    kinds = {"kb_article": {}, "kb_customer_article": {"visibility": "customers"},
             "kb_org_article": {"visibility": "customers", "organizations": [w.org_a]},
             "kb_attachment": {"visibility": "customers", "organizations": [w.org_a]},
             "kb_internal_article": {"visibility": "internal"}, "kb_draft": {"status": "draft"}}
    if obj == "kb_category":
        category = kb_services.category_create(actor=w.admin, name="Categoría secreta")
        check(api.patch(f"/api/v1/kb/categories/{category.pk}/", {"name": "Renombrada"}, format="json"), allowed)
        category.refresh_from_db()
        assert (category.name == "Renombrada") is allowed
        created = api.post("/api/v1/kb/categories/", {"name": "Otra categoría"}, format="json")
        check(created, allowed)
        assert KbCategory.objects.filter(name="Otra categoría").exists() is allowed
        return
    values = {"status": "published", **kinds.get(obj, {})}
    article = kb_services.article_create(actor=w.admin, title="Artículo secreto", body="Texto secreto", **values)
    if action == "suggest":
        response = api.get("/api/v1/kb/suggest/", {"q": "articulo secreto", "language": "es"})
        assert response.status_code == 200
        assert (article.pk in [row["id"] for row in response.json()["results"]]) is allowed
    elif action == "view":
        check(api.get(f"/api/v1/kb/articles/{article.pk}/"), allowed, secret="Texto secreto")
        listed = api.get("/api/v1/kb/articles/").json()["results"]
        assert (article.pk in [a["id"] for a in listed]) is allowed
        check(page.get(f"/ayuda/articulo/{article.slug}/"), allowed, secret="Texto secreto")
        if obj == "kb_attachment":
            upload = SimpleUploadedFile("mapa-secreto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
            attachment = kb_services.attachment_add(actor=w.admin, article=article, upload=upload)
            check(page.get(f"/ayuda/adjuntos/{attachment.public_id}/"), allowed)
    elif action == "vote":
        response = page.post(f"/ayuda/articulo/{article.slug}/voto/", {"helpful": "yes"})
        if allowed:
            assert response.status_code == 302 and "voto=gracias" in response["Location"]
        else:
            assert response.status_code == 404
        assert KbVote.objects.filter(article=article).count() == (1 if allowed else 0)
    else:
        check(api.patch(f"/api/v1/kb/articles/{article.pk}/", {"title": "Título cambiado"}, format="json"), allowed)
        article.refresh_from_db()
        assert (article.title == "Título cambiado") is allowed
        check(api.delete(f"/api/v1/kb/articles/{article.pk}/"), allowed)
        article.refresh_from_db()
        assert (article.status == "archived") is allowed
        editor = page.post(f"/bandeja/base/{article.pk}/", {"title": "Desde la página", "language": "es",
                                                             "status": "published", "visibility": "public",
                                                             "action": "save"})
        if allowed:
            assert editor.status_code == 302
        else:
            _page_denied(editor, user)
        article.refresh_from_db()
        assert (article.title == "Desde la página") is allowed
        listed = page.get("/bandeja/base/")
        assert (listed.status_code == 200) is allowed
def run_selfservice_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    page = page_client(user)
    if obj == "selfservice_report":
        response = page.get("/bandeja/autoservicio/")
        assert (response.status_code == 200) is allowed, response.status_code
        return
    if obj == "guide":
        run_guide_cell(w, page, action, allowed)
        return
    restricted = {"visibility": "customers", "organizations": [w.org_a]} if obj == "kb_org_article" else {}
    article = kb_services.article_create(actor=w.admin, title="Mi dominio no resuelve: qué revisar",
                                         body="Texto secreto", status="published", **restricted)
    if action == "portal_suggest":
        response = page.get("/soporte/nueva/sugerencias/", {"subject": "dominio no resuelve"})
        assert (response.status_code == 200 and b"Texto secreto" in response.content) is allowed, response.status_code
    elif action == "deflect":
        before = Ticket.objects.count()
        response = page.post("/soporte/nueva/resuelta/", {"article": article.pk, "subject": "dominio"})
        assert response.status_code in ((302,) if allowed else (302, 403, 404)), response.status_code
        assert Deflection.objects.filter(article=article).count() == (1 if allowed else 0)
        assert Ticket.objects.count() == before
    else:
        response = page.get(f"/bandeja/tickets/{w.ticket_a.number}/articulos/")
        assert (response.status_code == 200 and b"Texto secreto" in response.content) is allowed, response.status_code
        if not allowed:
            assert b"Texto secreto" not in response.content


def run_guide_cell(w, page, action: str, allowed: bool) -> None:
    from atiende.selfservice import services as guides
    from atiende.selfservice.models import Troubleshooter

    guide = guides.troubleshooter_create(actor=w.admin, title="Guía secreta")
    step = guides.step_add(actor=w.admin, troubleshooter=guide, question="¿Pregunta secreta?")
    answer = guides.answer_add(actor=w.admin, troubleshooter=guide, step=step.pk, label="Sí", outcome="solved")
    guides.troubleshooter_update(actor=w.admin, troubleshooter=guide, title=guide.title, language="es", published=True)
    if action == "walk":
        response = page.get(f"/soporte/guias/{guide.pk}/")
        assert (response.status_code == 200 and "¿Pregunta secreta?".encode() in response.content) is allowed
        page.post(f"/soporte/guias/{guide.pk}/fin/", {"camino": str(answer.pk)})
        assert Deflection.objects.filter(troubleshooter=guide).exists() is allowed
        return
    response = page.get(f"/bandeja/guias/{guide.pk}/")
    assert (response.status_code == 200) is allowed, response.status_code
    page.post("/bandeja/guias/", {"title": "Guía nueva", "language": "es"})
    assert Troubleshooter.objects.filter(title="Guía nueva").exists() is allowed
    page.post(f"/bandeja/guias/{guide.pk}/", {"action": "update", "title": "Renombrada", "language": "es"})
    assert Troubleshooter.objects.filter(title="Renombrada").exists() is allowed


def run_routing_cell(w, api, obj: str, action: str, allowed: bool) -> None:
    from atiende.routing.models import Consultation
    from atiende.routing.services import consultation_open

    ticket = w.ticket_a
    if action == "escalate":
        w.team1.escalation_team = w.team2
        w.team1.save()
        check(api.post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "Nivel 2"}, format="json"), allowed)
        assert (Ticket.objects.get(pk=ticket.pk).team_id == w.team2.pk) is allowed
        return
    if action == "open":
        check(api.post(f"/api/v1/tickets/{ticket.pk}/consultations/", {"question": "¿Pregunta?", "team": w.team2.pk},
                       format="json"), allowed)
        assert Consultation.objects.filter(ticket=ticket).exists() is allowed
        return
    asked = consultation_open(actor=w.agent1, ticket=ticket, question="Consulta secreta", team=w.team2)
    if action == "view":
        check(api.get(f"/api/v1/tickets/{ticket.pk}/consultations/"), allowed, secret="Consulta secreta")
    else:
        check(api.post(f"/api/v1/consultations/{asked.pk}/answer/", {"answer": "Respuesta"}, format="json"), allowed)
        asked.refresh_from_db()
        assert (asked.answered_at is not None) is allowed
def run_macro_cell(w, api, obj: str, action: str, allowed: bool) -> None:
    if obj == "macro":
        macro = macro_create(actor=w.admin, name="Macro secreta", team=w.team1, reply={"es-mx": "Hola"},
                             actions={"priority": "urgent"})
    else:
        macro = macro_create(actor=w.agent1, name="Macro secreta", note="Nota", actions={"priority": "urgent"})
    url = f"/api/v1/macros/{macro.pk}/"
    if action == "view":
        check(api.get(url), allowed, secret="Macro secreta")
        listed = api.get("/api/v1/macros/")
        assert ("Macro secreta" in listed.content.decode()) is allowed
        check(api.post(f"{url}preview/", {"ticket": w.ticket_a.pk}, format="json"), allowed)
    elif action == "update":
        check(api.patch(url, {"name": "Renombrada"}, format="json"), allowed)
        macro.refresh_from_db()
        assert (macro.name == "Renombrada") is allowed
        check(api.delete(url), allowed)
        assert Macro.objects.filter(pk=macro.pk).exists() is not allowed
    else:
        check(api.post(f"{url}apply/", {"ticket": w.ticket_a.pk}, format="json"), allowed)
        assert (Ticket.objects.get(pk=w.ticket_a.pk).priority == "urgent") is allowed
        assert Macro.objects.get(pk=macro.pk).usage_count == (1 if allowed else 0)


def _page_allowed(response, user, allowed: bool) -> None:
    """A configuration form: saved (a redirect back to its list) when allowed, else refused."""
    if allowed:
        assert response.status_code == 302 and response["Location"].startswith("/bandeja/"), (
            response.status_code, response.content[:300])
    else:
        _page_denied(response, user)


def run_webhook_page_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    page = page_client(user)
    hook = subscription_create(actor=w.admin, url="https://hooks.example.mx/pagina", events=["ticket.created"],
                               description="Página secreta", secret="p" * 20)
    delivery = WebhookDelivery.objects.create(subscription=hook, event="ticket.created", body='{"pagina": 1}',
                                              status="failed")
    base = f"/bandeja/webhooks/{hook.pk}/"
    if (obj, action) == ("webhook", "view"):
        listed = page.get("/bandeja/webhooks/")
        assert (listed.status_code == 200 and "Página secreta" in listed.content.decode()) is allowed
        edit = page.get(base)
        assert (edit.status_code == 200) is allowed and (b"p" * 20) not in edit.content
    elif (obj, action) == ("webhook", "update"):
        _page_allowed(page.post(base, {"url": hook.url, "events": ["ticket.solved"], "description": "Cambiada"}),
                      user, allowed)
        hook.refresh_from_db()
        assert (hook.description == "Cambiada") is allowed
        created = page.post("/bandeja/webhooks/nuevo/", {"url": "https://pagina.example.mx/", "events": ["ticket.solved"]})
        assert (created.status_code == 201) is allowed
        assert Subscription.objects.filter(url="https://pagina.example.mx/").exists() is allowed
    elif obj == "webhook":
        _page_allowed(page.post(f"{base}borrar/"), user, allowed)
        assert Subscription.objects.filter(pk=hook.pk).exists() is not allowed
    elif action == "view":
        log = page.get(f"{base}entregas/")
        assert (log.status_code == 200) is allowed
        detail = page.get(f"{base}entregas/{delivery.public_id}/")
        assert (detail.status_code == 200 and "pagina" in detail.content.decode()) is allowed
    else:
        _page_allowed(page.post(f"{base}entregas/{delivery.public_id}/reenviar/"), user, allowed)
        delivery.refresh_from_db()
        assert (delivery.status == "pending") is allowed


def _macro_form(**values) -> dict:
    return {"scope": "personal", "reply_es_mx": "Hola", "reply_en": "", "note": "", "status": "", "priority": "urgent",
            "type": "", "assignee": "", "add_tags": "", "remove_tags": "", "action": "save", **values}


def run_macro_page_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    page = page_client(user)
    if obj == "macro":
        macro = macro_create(actor=w.admin, name="Página secreta", team=w.team1, reply={"es-mx": "Hola"})
        scope = f"team:{w.team1.pk}"
    else:
        macro = macro_create(actor=w.agent1, name="Página secreta", note="Nota")
        scope = "personal"
    if action == "view":
        listed = page.get("/bandeja/macros/")
        assert (listed.status_code == 200 and "Página secreta" in listed.content.decode()) is allowed
        return
    if action == "apply":  # the composer's pages: the API driver's rule (run_macro_cell)
        return
    _page_allowed(page.post(f"/bandeja/macros/{macro.pk}/", _macro_form(name="Cambiada", scope=scope)), user, allowed)
    macro.refresh_from_db()
    assert (macro.name == "Cambiada") is allowed
    if obj == "macro":  # a new team macro
        page.post("/bandeja/macros/nueva/", _macro_form(name="Nueva del equipo", scope=scope))
        assert Macro.objects.filter(name="Nueva del equipo", team=w.team1).exists() is allowed
    _page_allowed(page.post(f"/bandeja/macros/{macro.pk}/borrar/"), user, allowed)
    assert Macro.objects.filter(pk=macro.pk).exists() is not allowed


def run_macro_create_cell(w, user, allowed: bool) -> None:
    page = page_client(user)
    _page_allowed(page.post("/bandeja/macros/nueva/", _macro_form(name="Mía nueva")), user, allowed)
    assert Macro.objects.filter(name="Mía nueva").exists() is allowed
    if allowed:
        assert Macro.objects.get(name="Mía nueva").owner_id == user.pk


def run_routing_admin_cell(w, user, obj: str, action: str, allowed: bool) -> None:
    page = page_client(user)
    base = "/bandeja/enrutamiento/"
    if obj == "routing_rule":
        rule = RoutingRule.objects.create(name="Regla secreta", team=w.team1, position=10)
        other = RoutingRule.objects.create(name="Otra", team=w.team1, position=20)
        if action == "view":
            listed = page.get(base)
            assert (listed.status_code == 200 and "Regla secreta" in listed.content.decode()) is allowed
            assert (page.get(f"{base}reglas/{rule.pk}/").status_code == 200) is allowed
            return
        data = {"name": "Cambiada", "active": "on", "team": str(w.team2.pk), "min_level": "1"}
        _page_allowed(page.post(f"{base}reglas/{rule.pk}/", data), user, allowed)
        rule.refresh_from_db()
        assert (rule.name, rule.team_id == w.team2.pk) == (("Cambiada", True) if allowed else ("Regla secreta", False))
        _page_allowed(page.post(f"{base}reglas/{other.pk}/mover/", {"direction": "up"}), user, allowed)
        assert (RoutingRule.objects.order_by("position", "id").first().pk == other.pk) is allowed
        _page_allowed(page.post(f"{base}reglas/nueva/", {**data, "name": "Nueva"}), user, allowed)
        assert RoutingRule.objects.filter(name="Nueva").exists() is allowed
        _page_allowed(page.post(f"{base}reglas/{rule.pk}/borrar/"), user, allowed)
        assert RoutingRule.objects.filter(pk=rule.pk).exists() is not allowed
    elif obj == "team_routing":
        assert (page.get(f"{base}equipos/{w.team1.pk}/").status_code == 200) is allowed
        _page_allowed(page.post(f"{base}equipos/{w.team1.pk}/", {"mode": "round_robin", "tier": "2",
                                                                  "escalation_team": str(w.team2.pk)}), user, allowed)
        assert TeamRouting.objects.filter(team=w.team1, mode="round_robin", tier=2).exists() is allowed
        w.team1.refresh_from_db()
        assert (w.team1.escalation_team_id == w.team2.pk) is allowed
    elif obj == "agent_routing":
        skill = Skill.objects.create(kind="language", name="Inglés")
        assert (page.get(f"{base}agentes/").status_code == 200) is allowed
        _page_allowed(page.post(f"{base}agentes/{w.agent1.pk}/", {"capacity": "4", f"level_{skill.pk}": "3"}),
                      user, allowed)
        assert AgentProfile.objects.filter(agent=w.agent1, capacity=4).exists() is allowed
        assert AgentSkill.objects.filter(agent=w.agent1, skill=skill, level=3).exists() is allowed
    else:
        skill = Skill.objects.create(kind="product", name="Facturación")
        _page_allowed(page.post(f"{base}habilidades/", {"kind": "language", "name": "Náhuatl"}), user, allowed)
        assert Skill.objects.filter(name="Náhuatl").exists() is allowed
        _page_allowed(page.post(f"{base}habilidades/{skill.pk}/", {"kind": "product", "name": "Cobranza"}),
                      user, allowed)
        skill_renamed = Skill.objects.filter(pk=skill.pk, name="Cobranza").exists()
        assert skill_renamed is allowed
        _page_allowed(page.post(f"{base}habilidades/{skill.pk}/borrar/"), user, allowed)
        assert Skill.objects.filter(pk=skill.pk).exists() is not allowed
def run_assets_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    product = product_create(actor=w.admin, name="Producto secreto", kind="device", warranty_months=12)
    asset = asset_create(actor=w.admin, product=product, customer=w.customer_a, identifier="SN-SECRETO",
                         purchased_on="2026-01-15")
    org_asset = asset_create(actor=w.admin, product=product, organization=w.org_a, identifier="SN-ORG-SECRETO",
                             purchased_on="2026-01-15")
    url = f"/api/v1/assets/{asset.pk}/"
    if (obj, action) == ("product", "view"):
        check(api.get(f"/api/v1/products/{product.pk}/"), allowed, secret="Producto secreto")
        assert ("Producto secreto" in api.get("/api/v1/products/").content.decode()) is allowed
    elif (obj, action) == ("product", "update"):
        check(api.patch(f"/api/v1/products/{product.pk}/", {"warranty_months": 24}, format="json"), allowed)
        assert (Product.objects.get(pk=product.pk).warranty_months == 24) is allowed
    elif action == "view":
        target = asset if obj == "asset" else org_asset
        check(api.get(f"/api/v1/assets/{target.pk}/"), allowed, secret=target.identifier)
        check(api.get(f"/api/v1/assets/{target.pk}/coverage/"), allowed)
        check(api.get(f"/api/v1/assets/{target.pk}/warranties/"), allowed)
        assert (target.identifier in api.get("/api/v1/assets/").content.decode()) is allowed
        page = page_client(user).get(f"/bandeja/activos/{target.pk}/")
        portal = page_client(user).get("/soporte/productos/")
        assert (target.identifier.encode() in page.content + portal.content) is allowed
    elif action == "update":
        check(api.patch(url, {"status": "in_repair"}, format="json"), allowed)
        assert (Asset.objects.get(pk=asset.pk).status == "in_repair") is allowed
    elif action == "delete":
        check(api.delete(url), allowed)
        assert Asset.objects.filter(pk=asset.pk).exists() is not allowed
    elif action == "add_warranty":
        check(api.post(f"{url}warranties/", {"kind": "extended", "starts_on": "2027-01-15", "ends_on": "2028-01-14"},
                       format="json"), allowed)
        assert Warranty.objects.filter(asset=asset).exists() is allowed
    elif action == "link":
        check(api.post(f"/api/v1/tickets/{w.ticket_a.pk}/assets/", {"asset": asset.pk}, format="json"), allowed)
        assert AssetLink.objects.filter(ticket=w.ticket_a, asset=asset).exists() is allowed
    else:  # a ticket's linked assets
        asset_link(actor=w.admin, ticket=w.ticket_a, asset=asset)
        response = api.get(f"/api/v1/tickets/{w.ticket_a.pk}/assets/")
        assert response.status_code in (200, *DENIED)
        assert (response.status_code == 200 and "SN-SECRETO" in response.content.decode()) is allowed


def run_rma_cell(w, user, api, action: str, allowed: bool) -> None:
    product = product_create(actor=w.admin, name="Router secreto", kind="device", warranty_months=12)
    covered = asset_create(actor=w.admin, product=product, customer=w.customer_a, identifier="SN-RMA-SECRETO",
                           purchased_on=clock.now().date() - timedelta(days=30))
    old = asset_create(actor=w.admin, product=product, customer=w.customer_a, identifier="SN-VIEJO",
                       purchased_on="2020-01-15")
    if action == "open":
        body = {"ticket": w.ticket_a.pk, "assets": [covered.pk], "reason": "Motivo secreto",
                "return_method": "courier_pickup"}
        check(api.post("/api/v1/rmas/", body, format="json"), allowed)
        assert Rma.objects.exists() is allowed
        return
    rma = rma_open(actor=w.admin, ticket=w.ticket_a, assets=[covered.pk], reason="Motivo secreto",
                   return_method="courier_pickup")
    if action == "view":
        check(api.get(f"/api/v1/rmas/{rma.pk}/"), allowed, secret="Motivo secreto")
        assert ("Motivo secreto" in api.get("/api/v1/rmas/").content.decode()) is allowed
        pages = page_client(user).get(f"/bandeja/devoluciones/{rma.pk}/").content + page_client(user).get(
            f"/soporte/devoluciones/{rma.pk}/").content
        assert (b"Motivo secreto" in pages) is allowed
    elif action == "transition":
        check(api.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "approved"}, format="json"), allowed)
        assert (Rma.objects.get(pk=rma.pk).state == "approved") is allowed
    else:  # a paid RMA's quote
        paid = rma_open(actor=w.admin, ticket=w.ticket_a, assets=[old.pk], reason="Pagada", return_method="drop_off",
                        quote_amount="500")
        check(api.post(f"/api/v1/rmas/{paid.pk}/quote/accept/"), allowed)
        assert (Rma.objects.get(pk=paid.pk).quote_status == "accepted") is allowed
def run_credit_cell(w, user, api, action: str, allowed: bool) -> None:
    from atiende.credits.models import Credit
    from atiende.credits.services import credit_offer

    if action == "offer":
        response = api.post(f"/api/v1/tickets/{w.ticket_a.pk}/credits/",
                            {"amount": "100", "currency": "MXN", "kind": "credit", "reason": "Motivo secreto"}, format="json")
        check(response, allowed)
        if user is not None and not allowed and not is_staff_agent(user) and response.status_code != 404:
            assert response.status_code == 403  # customers who see the ticket: refused, not hidden
        page = page_client(user).post(f"/bandeja/tickets/{w.ticket_a.number}/creditos/",
                                      {"kind": "credit", "amount": "50", "reason": "Motivo secreto"})
        offered = page.status_code == 302 and page["Location"].startswith(f"/tickets/{w.ticket_a.number}")
        assert offered is allowed, (page.status_code, page.get("Location"))
        assert Credit.objects.count() == (2 if allowed else 0)
        return
    pending = credit_offer(actor=w.agent1, ticket=w.ticket_a, kind="credit", amount="900", reason="Motivo secreto")
    approved = credit_offer(actor=w.agent1, ticket=w.ticket_a, kind="discount", amount="100", reason="Otro motivo")
    if action == "view":
        check(api.get(f"/api/v1/credits/{pending.pk}/"), allowed, secret="Motivo secreto")
        assert ("Motivo secreto" in api.get("/api/v1/credits/").content.decode()) is allowed
        pages = b"".join(page_client(user).get(path).content for path in (
            f"/bandeja/tickets/{w.ticket_a.number}/creditos/", f"/bandeja/clientes/{w.customer_a.pk}/creditos/",
            f"/bandeja/organizaciones/{w.org_a.pk}/creditos/", "/bandeja/creditos/"))
        assert (b"Motivo secreto" in pages) is allowed
    elif action in ("approve", "reject"):
        check(api.post(f"/api/v1/credits/{pending.pk}/{action}/"), allowed)
        assert (Credit.objects.get(pk=pending.pk).status != "pending") is allowed
        other = credit_offer(actor=w.agent1, ticket=w.ticket_a, kind="credit", amount="901", reason="Motivo secreto")
        path = "aprobar" if action == "approve" else "rechazar"
        page_client(user).post(f"/bandeja/creditos/{other.pk}/{path}/")
        assert (Credit.objects.get(pk=other.pk).status != "pending") is allowed
    elif action == "mark_used":
        check(api.post(f"/api/v1/credits/{approved.pk}/use/"), allowed)
        assert (Credit.objects.get(pk=approved.pk).status == "used") is allowed
    else:  # the ledger's CSV
        response = page_client(user).get("/bandeja/creditos/exportar/")
        assert (response.status_code == 200) is allowed, response.status_code
        assert (b"Motivo secreto" in response.content) is allowed


def run_maintenance_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    product = product_create(actor=w.admin, name="Equipo secreto", kind="device", is_maintainable=True)
    asset = asset_create(actor=w.admin, product=product, customer=w.customer_a, identifier="SN-MANT",
                         purchased_on="2026-01-15")
    with clock.frozen_at(datetime(2027, 1, 1, 18, tzinfo=UTC)):
        plan = plan_create(actor=w.admin, name="Plan secreto", asset=asset, team=w.team1, unit="month",
                           starts_on="2027-01-04", lead_days=7, checklist=["Paso secreto"])
        org_plan = plan_create(actor=w.admin, name="Plan de la tienda", organization=w.org_a, team=w.team1,
                               unit="month", starts_on="2027-02-04")
        maintenance_pass()
    if action == "view":
        target = plan if obj == "maintenance_plan" else org_plan
        check(api.get(f"/api/v1/maintenance-plans/{target.pk}/"), allowed, secret=target.name)
        check(api.get(f"/api/v1/maintenance-plans/{target.pk}/visits/"), allowed)
        assert (target.name in api.get("/api/v1/maintenance-plans/").content.decode()) is allowed
        page = page_client(user).get(f"/bandeja/mantenimiento/{target.pk}/")
        portal = page_client(user).get("/soporte/productos/")
        assert (target.name.encode() in page.content + portal.content) is allowed
    elif action == "update":
        check(api.patch(f"/api/v1/maintenance-plans/{plan.pk}/", {"lead_days": 3}, format="json"), allowed)
        assert (MaintenancePlan.objects.get(pk=plan.pk).lead_days == 3) is allowed
    else:  # ticking the visit's checklist on its ticket's page
        visit = MaintenanceVisit.objects.get(plan=plan)
        page_client(user).post(f"/bandeja/tickets/{visit.ticket.number}/mantenimiento/", {"item": "0", "done": "1"})
        visit.refresh_from_db()
        assert visit.checklist[0]["done"] is allowed
def _tuesday_10(after: datetime) -> datetime:
    """The first Tuesday at 10:00 in Mexico City (16:00 UTC) after `after`."""
    day = after + timedelta(days=(1 - after.weekday()) % 7 or 7)
    return day.replace(hour=16, minute=0, second=0, microsecond=0)


def run_appointments_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    # API tokens follow the real clock: the appointment is booked ahead of it (or, for a no-show,
    # booked in the past with the clock pinned then, and marked now).
    start = _tuesday_10(clock.now() + timedelta(days=(-15 if action == "no_show" else 2)))
    with clock.frozen_at(start - timedelta(days=1)):
        kind = type_create(actor=w.admin, name="Sesión secreta", kind="remote", minutes=60, team=w.team1.pk,
                           min_notice_minutes=0, max_days_ahead=30)
        appointment = appointment_book(actor=w.admin, kind=kind, start=start.isoformat(), ticket=w.ticket_a)
    url = f"/api/v1/appointments/{appointment.pk}/"
    if (obj, action) == ("appointment_type", "view"):
        check(api.get(f"/api/v1/appointment-types/{kind.pk}/"), allowed, secret="Sesión secreta")
        check(api.get(f"/api/v1/appointment-types/{kind.pk}/slots/"), allowed)
        assert ("Sesión secreta" in api.get("/api/v1/appointment-types/").content.decode()) is allowed
    elif (obj, action) == ("appointment_type", "update"):
        check(api.patch(f"/api/v1/appointment-types/{kind.pk}/", {"minutes": 90}, format="json"), allowed)
        assert (AppointmentType.objects.get(pk=kind.pk).minutes == 90) is allowed
    elif action == "book_appointment":
        later = (start + timedelta(hours=2)).isoformat()
        check(api.post("/api/v1/appointments/", {"type": kind.pk, "start": later, "ticket": w.ticket_a.pk},
                       format="json"), allowed)
        assert (Appointment.objects.filter(ticket=w.ticket_a).count() == 2) is allowed
    elif action == "view":
        check(api.get(url), allowed, secret="Sesión secreta")
        assert ("Sesión secreta" in api.get("/api/v1/appointments/").content.decode()) is allowed
        portal = page_client(user).get("/soporte/citas/")
        box = page_client(user).get(f"/bandeja/tickets/{w.ticket_a.number}/citas/")
        assert ("Sesión secreta".encode() in portal.content + box.content) is allowed
    elif action == "cancel":
        check(api.post(f"{url}cancel/"), allowed)
        assert (Appointment.objects.get(pk=appointment.pk).status == "cancelled") is allowed
    else:  # a no-show, after the start
        check(api.post(f"{url}no-show/"), allowed)
        assert (Appointment.objects.get(pk=appointment.pk).status == "no_show") is allowed
def run_reply_check_cell(w, user, api, obj: str, allowed: bool) -> None:
    draft = "Hola:\n\nYa quedó.\n\nSaludos,\nEquipo"
    if obj == "reply_check":
        response = api.post("/api/v1/replies/check/", {"text": "TE AVISAMOS PRONTO", "language": "es"}, format="json")
        check(response, allowed)
        assert ("all_caps" in response.content.decode()) is allowed
    elif obj == "ticket":
        secret = "¿Cuánto cuesta el plan Zafiro?"
        message_create(actor=w.customer_a.user, ticket=w.ticket_a, body=secret)
        response = api.post("/api/v1/replies/check/", {"text": draft, "language": "es", "ticket": w.ticket_a.pk},
                            format="json")
        check(response, allowed, secret="Zafiro")
        assert ("Zafiro" in response.content.decode()) is allowed
        panel = page_client(user).post(f"/bandeja/tickets/{w.ticket_a.number}/revisar-respuesta/",
                                       {"body": draft, "kind": "public"})
        if allowed:
            assert panel.status_code == 200 and "Zafiro" in panel.content.decode()
        else:
            _page_denied(panel, user)
            assert b"Zafiro" not in panel.content
    else:
        response = page_client(user).post("/bandeja/revisor-de-respuestas/", {"confirm_codes": ["all_caps"]})
        _page_allowed(response, user, allowed)
        assert (confirmation_codes() == ["all_caps"]) is allowed
def run_coaching_cell(w, user, allowed: bool) -> None:
    from atiende.replycheck.services import sent_reply_record

    sent = message_create(actor=w.agent1, ticket=w.ticket_a, body="TE AVISAMOS PRONTO")
    sent_reply_record(message_id=sent.pk)
    response = page_client(user).get("/bandeja/revisor-de-respuestas/coaching/")
    shown = response.status_code == 200 and w.agent1.name in response.content.decode()
    assert shown is allowed, (response.status_code, user)
    if response.status_code != 200:
        _page_denied(response, user)


SECURITY_PAGES = ("/bandeja/cuenta/dos-pasos/", "/bandeja/cuenta/dos-pasos/activar/", "/bandeja/cuenta/sesiones/",
                  "/bandeja/cuenta/tokens/", "/bandeja/cuenta/contrasena/")


def run_signin_cell(w, user, obj: str, allowed: bool) -> None:
    page = page_client(user)
    if obj == "account_security":
        for path in SECURITY_PAGES:
            response = page.get(path)
            assert (response.status_code == 200) is allowed, (path, response.status_code)
            if not allowed:
                _page_denied(response, user)
        assert SignedInSession.objects.exclude(user__kind="agent").count() == 0
        return
    if obj == "login_session":
        owner = Client()
        owner.force_login(w.agent1)
        row = SignedInSession.objects.get(session_key=owner.session.session_key)
        _page_allowed(page.post(f"/bandeja/cuenta/sesiones/{row.pk}/cerrar/"), user, allowed)
        assert SignedInSession.objects.filter(pk=row.pk).exists() is not allowed
        assert (owner.get("/bandeja/").status_code == 200) is not allowed
    elif obj == "api_token":
        token_issue(user=w.agent1, name="Token secreto")
        token = ApiToken.objects.get(user=w.agent1, name="Token secreto")
        listed = page.get("/bandeja/cuenta/tokens/")
        assert ("Token secreto" in listed.content.decode()) is allowed
        _page_allowed(page.post(f"/bandeja/cuenta/tokens/{token.pk}/revocar/"), user, allowed)
        assert ApiToken.objects.filter(pk=token.pk).exists() is not allowed
    elif obj == "two_factor":
        device = signin_services.totp_enrol_start(user=w.agent1)
        signin_services.totp_enrol_confirm(user=w.agent1, code=totp.code_at(device.key, clock.now().timestamp()),
                                           client_ip="127.0.0.1")
        _page_allowed(page.post(f"/bandeja/seguridad/{w.agent1.pk}/restablecer/"), user, allowed)
        assert TotpDevice.objects.filter(user=w.agent1).exists() is not allowed
    else:
        listed = page.get("/bandeja/seguridad/")
        assert (listed.status_code == 200) is allowed
        _page_allowed(page.post("/bandeja/seguridad/", {"roles": ["supervisor"]}), user, allowed)
        assert signin_selectors.policy_get().require_supervisor is allowed


def run_sso_cell(user, allowed: bool) -> None:
    """The whole flow against a real provider on a loopback port (tests/oidc_provider.py)."""
    email = user.email if user is not None else "nadie@ejemplo.mx"
    claims = {"sub": f"sub-{email}", "email": email, "email_verified": True, "name": "X"}
    with oidc_configured(redirect_uri="http://testserver/cuenta/sso/respuesta/", claims=claims):
        client = Client()
        to_provider = client.post("/cuenta/sso/entrar/", {"next": "/bandeja/"})
        assert to_provider.status_code == 302
        back = httpx.get(to_provider["Location"], timeout=15)
        assert back.status_code == 302
        landed = client.get(back.headers["location"].removeprefix("http://testserver"))
    if allowed:
        assert landed.status_code == 302 and landed["Location"] == "/bandeja/", landed.status_code
        assert client.get("/bandeja/").status_code == 200
    else:
        assert landed.status_code == 403, landed.status_code
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("actor", "obj", "action", "allowed"), CELLS, ids=[f"{o}-{a}-{x}" for x, o, a, _ in CELLS])
def test_access_cell(scene, actor, obj, action, allowed):
    run_cell(scene, actor, obj, action, allowed)


def run_nps_cell(user, w, obj: str, allowed: bool) -> None:
    from atiende.feedback.models import NpsSurvey
    from atiende.feedback.selectors import nps_path

    now = clock.now()
    nps = NpsSurvey.objects.create(customer=w.customer_a, cycle=1, sent_at=now, state="answered", score=2,
                                   comment="Razón secreta", answered_at=now)
    if obj == "survey_nps_score":
        response = page_client(user).get("/bandeja/seguimiento/")
        assert (response.status_code == 200) is allowed
        assert (b"-100.0" in response.content) is allowed
    else:
        response = page_client(user).post(nps_path(nps), {"score": "8"})
        check(response, allowed)
        assert (NpsSurvey.objects.get(pk=nps.pk).score == 8) is allowed


def run_feedback_cell(w, user, api, obj: str, action: str, allowed: bool) -> None:
    from atiende.feedback.models import Survey
    from atiende.feedback.selectors import survey_path

    now = clock.now()
    survey = Survey.objects.create(ticket=w.ticket_a, episode=1, state="answered", rating=1, comment="Queja secreta",
                                   due_at=now, sent_at=now, answered_at=now)
    if action == "view_satisfaction":
        body = api.get(f"/api/v1/tickets/{w.ticket_a.pk}/")
        satisfaction = body.json().get("satisfaction") if body.status_code == 200 else None
        assert (satisfaction is not None and satisfaction["comment"] == "Queja secreta") is allowed
    elif action == "view_outcome":
        response = page_client(user).get(f"/bandeja/tickets/{w.ticket_a.number}/resultado/")
        assert (response.status_code == 200) is allowed, response.status_code
        assert (b"Queja secreta" in response.content) is allowed
    elif action == "solve_with_outcome":
        response = page_client(user).post(f"/bandeja/tickets/{w.ticket_a.number}/resultado/", {"outcome": "solved"})
        solved = response.status_code == 302 and response["Location"].startswith(f"/tickets/{w.ticket_a.number}")
        assert solved is allowed, (response.status_code, response.get("Location"))
        assert (Ticket.objects.get(pk=w.ticket_a.pk).status == "solved") is allowed
    elif obj.startswith("survey_nps"):
        run_nps_cell(user, w, obj, allowed)
    elif obj == "survey_follow_up":
        response = page_client(user).get("/bandeja/seguimiento/")
        assert (response.status_code == 200) is allowed
        assert (b"Queja secreta" in response.content) is allowed
    else:  # answering through the link
        response = page_client(user).post(survey_path(survey), {"rating": "4", "comment": "Mejor"})
        check(response, allowed)
        assert (Survey.objects.get(pk=survey.pk).rating == 4) is allowed


def run_notice_cell(w, user, action: str, allowed: bool) -> None:
    from atiende.notices.models import Notice, NoticeOptOut, NoticeState
    from atiende.notices.services import notice_create, notice_send
    from atiende.notices.tokens import make_token

    notice = notice_create(actor=w.admin, subject="Aviso secreto", body="Hola, {{ customer.greeting_name }}.",
                           language="es", audience="organization", organization=w.org_a)
    page = page_client(user)
    if action == "view":
        for path in ("/bandeja/avisos/", f"/bandeja/avisos/{notice.pk}/"):
            response = page.get(path)
            assert (response.status_code == 200 and b"Aviso secreto" in response.content) is allowed, path
            if not allowed:
                _page_denied(response, user)
                assert b"Aviso secreto" not in response.content
    elif action == "send":
        tested = page.post(f"/bandeja/avisos/{notice.pk}/prueba/")
        sent = page.post(f"/bandeja/avisos/{notice.pk}/enviar/")
        for response in (tested, sent):
            if allowed:
                assert response.status_code == 302 and response["Location"] == f"/bandeja/avisos/{notice.pk}/"
            else:
                _page_denied(response, user)
        assert (Notice.objects.get(pk=notice.pk).state != NoticeState.DRAFT) is allowed
        assert notice.recipients.exists() is allowed
    elif action == "view_notices":
        notice_send(actor=w.admin, notice=notice)
        response = page.get(f"/bandeja/clientes/{w.customer_a.pk}/avisos/")
        assert (response.status_code == 200 and b"Aviso secreto" in response.content) is allowed
        if not allowed:
            _page_denied(response, user)
            assert b"Aviso secreto" not in response.content
    else:  # the unsubscribe link: whoever holds it
        response = page.post(f"/soporte/avisos/baja/{make_token(w.customer_a.pk)}/")
        check(response, allowed)
        assert NoticeOptOut.objects.filter(customer=w.customer_a).exists() is allowed
