"""The world the sweep runs in: conftest's `world`, the hostile corpus planted over it (tickets with
attachments, a mail ticket, a saved view, hostile names), a calendar, a policy and an outgoing
email, and the ids and valid samples the requests are built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.models import ApiToken, User, UserKind
from atiende.accounts.services import token_issue
from atiende.assets.services import asset_create, asset_link, product_create, warranty_add
from atiende.chat.models import ChatSession
from atiende.chat.services import session_accept, session_start, site_create
from atiende.core import clock
from atiende.customers.models import Customer, Organization, SupportPlan
from atiende.customers.services import customer_create
from atiende.feedback.models import Survey
from atiende.feedback.tokens import make_token
from atiende.kb.models import Article, ArticleAttachment, Category
from atiende.kb.services import article_create, article_update, attachment_add, category_create
from atiende.macros.services import macro_create
from atiende.mail.models import OutboundEmail
from atiende.notices.models import Notice, NoticeRecipient
from atiende.notices.tokens import make_reading_token
from atiende.sla.models import Calendar, Policy
from atiende.sla.services.policies import policy_create
from atiende.telegram.services import bot_create
from atiende.tickets.models import (
    Attachment,
    CopiedAgent,
    CustomerMerge,
    Delivery,
    Message,
    Tag,
    Ticket,
)
from atiende.tickets.services import message_create, ticket_copied_agents_record, ticket_update
from atiende.tickets.services.customer_merge import customer_merge
from atiende.webhooks.models import Delivery as WebhookDelivery
from atiende.webhooks.services import subscription_create
from atiende.whatsapp.services import number_create, template_create
from atiende.workspace.models import SavedView
from conftest import PASSWORD
from tests.security import hostile

from .api import Ids

MAIL_SECRET = "sweep-mail-secret"


def reading_token(customer: Customer) -> str:
    """The reading link of the last notice sent to `customer`."""
    return make_reading_token(NoticeRecipient.objects.filter(customer=customer).latest("pk").pk)


HOURS = {"mon": [["09:00", "14:00"], ["15:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
         "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]}


@dataclass
class Swept:
    world: object
    ids: Ids  # for the API: by field or path-parameter name
    samples: dict[str, list]  # valid values by JSON field name
    query_samples: dict[str, str]  # a valid value by query parameter name, where one is needed
    page_ids: dict[str, list]  # for the pages: by URL argument (or "namespace.argument")


def build(world) -> Swept:
    planted = hostile.plant(world)
    office = Calendar.objects.order_by("pk").first()
    policy = policy_create(actor=world.admin, name="Estándar", targets={
        "first_response": {"minutes": 60, "calendar": office.pk}, "resolution": {"minutes": 960, "calendar": office.pk}})
    # An agent's reply on the mail ticket queues an email and its delivery (for /emails/{id}/retry/
    # and /deliveries/{id}/retry/).
    message_create(actor=world.admin, ticket=planted.mail_ticket, body="Respuesta por correo")
    # A tag, an agent copied on an email waiting for confirmation, and API tokens to list and revoke.
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"tags": ["vip"]})
    ticket_copied_agents_record(ticket=world.ticket_a, agents=[world.agent2], message=None, copied_by="ana@tienda-a.mx")
    for user in (world.admin, world.customer_a.user):
        token_issue(user=user)
    # A WhatsApp profile merged into A's (for /customer-merges/{id}/ and its undo).
    duplicate = customer_create(name="Ana por WhatsApp", identities={"whatsapp": "+52 55 1234 5678"}, organization=world.org_a)
    customer_merge(actor=world.admin, source=duplicate, target=world.customer_a)
    # A connected WhatsApp number (for /channels/whatsapp/{id}/ and its webhook).
    whatsapp = number_create(actor=world.admin, name="WhatsApp ventas", phone_number_id="106540352242922",
                             verify_token="sweep-verify", app_secret="sweep-app-secret", access_token="sweep-access")
    template = template_create(actor=world.admin, number=whatsapp, name="pedido_listo", language="es_MX",
                               body="Hola {{1}}, su pedido está listo.")
    # A connected Telegram bot (for /channels/telegram/{id}/ and its webhook); nothing listens on
    # the discard port, and the sweep's examples roll back before any setWebhook would run.
    telegram = bot_create(actor=world.admin, site="https://soporte.example.mx/", name="Telegram soporte",
                          bot_token="7712345678:" + "A" * 35, secret_token="sweep-secret", api_base="http://127.0.0.1:9")
    # A chat site of team 1 with a waiting chat and one held by agent 1 (for /bandeja/chat/<id>/…).
    chat_site = site_create(name="Chat", allowed_origins=["https://tienda-a.example"], team=world.team1)
    for n in (1, 2):
        chat = session_start(site=chat_site, origin="https://tienda-a.example", name="Vera", email="vera@correo.example",
                             question=f"Pregunta {n}").session
    session_accept(actor=world.agent1, session_id=chat.pk)
    # The knowledge base: a category with a section, a public article renamed once (its old slug
    # redirects) with an image, its English translation, and an internal article.
    help_category = category_create(actor=world.admin, name="Dominios")
    category_create(actor=world.admin, name="DNS", parent=help_category)
    public = article_create(actor=world.agent1, title="Renovar dominio", body="**Hola**", status="published",
                            category=help_category)
    article_update(actor=world.agent1, article=public, changes={"title": "Renovar tu dominio"})
    article_create(actor=world.agent1, title="Renew your domain", language="en", status="published", translation_of=public)
    article_create(actor=world.agent1, title="Interno", visibility="internal", status="published", related=[public])
    attachment_add(actor=world.agent1, article=public, upload=SimpleUploadedFile("mapa.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64))
    articles = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    categories = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    # A consultation on A's ticket asked of team 2 (for /consultations/{id}/answer/).
    from atiende.routing.services import consultation_open

    consultation = consultation_open(actor=world.agent1, ticket=world.ticket_a, question="¿DNS?", team=world.team2)
    # An outbound webhook and a delivery of it (for /webhooks/{id}/ and its delivery log); the
    # examples roll back before any post would leave.
    webhook = subscription_create(actor=world.admin, url="https://hooks.example.mx/atiende", secret="s" * 20,
                                  events=["ticket.created", "ticket.updated"])
    webhook_delivery = WebhookDelivery.objects.create(subscription=webhook, event="ticket.created", body="{}",
                                                      status="failed")
    # A team macro and a personal one (for /macros/{id}/, its preview and apply).
    macros = [macro_create(actor=world.admin, name="Pedir captura", team=world.team1,
                           reply={"es-mx": "Hola {{ customer.first_name }}"}, actions={"priority": "high"}).pk,
              macro_create(actor=world.agent1, name="Mía", note="{{ ticket.number }}", actions={"add_tags": ["vip"]}).pk]
    # Routing's configuration pages: a rule needing a skill, and an agent with it.
    from atiende.routing.models import AgentSkill, RoutingRule, Skill

    skill = Skill.objects.create(kind="language", name="Inglés")
    AgentSkill.objects.create(agent=world.agent1, skill=skill, level=3)
    rules = [RoutingRule.objects.create(name="Inglés", languages=["en"], team=world.team2, skill=skill, position=10).pk,
             RoutingRule.objects.create(name="Resto", team=world.team1, position=20, active=False).pk]
    # A published troubleshooter with two steps (for /soporte/guias/{id}/ and its editor).
    from atiende.selfservice import services as guides

    guide = guides.troubleshooter_create(actor=world.admin, title="Mi sitio no abre")
    first = guides.step_add(actor=world.admin, troubleshooter=guide, question="¿Error 500?", article=articles[0])
    second = guides.step_add(actor=world.admin, troubleshooter=guide, question="¿Revisaste el registro?")
    guides.answer_add(actor=world.admin, troubleshooter=guide, step=first.pk, label="Sí", outcome="next", next_step=second.pk)
    guides.answer_add(actor=world.admin, troubleshooter=guide, step=second.pk, label="No", outcome="contact")
    guides.troubleshooter_update(actor=world.admin, troubleshooter=guide, title=guide.title, language="es", published=True)
    # A trigger and a time rule (for /triggers/{id}/, /time-rules/{id}/, their dry runs and pages).
    from atiende.automation.models import Event, TimeRule, Trigger

    rule_ids = [Trigger.objects.create(name="Caídas", event=Event.CREATED, actions=[{"type": "add_tags", "value": ["caida"]}],
                                       conditions={"all": [{"field": "subject", "op": "contains", "value": "caído"}]}).pk,
                TimeRule.objects.create(name="Espera", status="pending_customer", after_minutes=60,
                                        actions=[{"type": "note", "value": "Sigue en espera"}]).pk]
    # Products and assets: A's modem (linked to A's ticket, with an extended warranty), A's
    # organization's domain, B's modem (for /products/{id}/, /assets/{id}/…, /tickets/{id}/assets/).
    modem = product_create(actor=world.admin, name="Módem 4G", kind="device", sku="MOD-4G", warranty_months=12)
    domain = product_create(actor=world.admin, name="Dominio .mx", kind="domain")
    assets = [asset_create(actor=world.admin, product=modem, customer=world.customer_a, identifier="SN-A1",
                           purchased_on="2026-01-15", attributes={"model": "X1"}),
              asset_create(actor=world.admin, product=domain, organization=world.org_a, identifier="tienda-a.mx",
                           purchased_on="2025-03-01"),
              asset_create(actor=world.admin, product=modem, customer=world.customer_b, identifier="SN-B1",
                           purchased_on="2024-02-29")]
    warranty_add(actor=world.admin, asset=assets[0], starts_on="2027-01-15", ends_on="2028-01-14")
    asset_link(actor=world.admin, ticket=world.ticket_a, asset=assets[0])
    products, asset_ids = [modem.pk, domain.pk], [a.pk for a in assets]
    # Returns and repairs: a covered RMA on A's ticket, a paid one (quote pending) on B's (for
    # /rmas/{id}/, its transition and quote, and the workspace and portal pages).
    from atiende.returns.services import rma_open

    rmas = [rma_open(actor=world.admin, ticket=world.ticket_a, assets=[assets[0].pk], reason="No enciende",
                     return_method="courier_pickup").pk,
            rma_open(actor=world.admin, ticket=world.ticket_b, assets=[assets[2].pk], reason="Pantalla rota",
                     return_method="drop_off", quote_amount="1250.00").pk]
    # Goodwill credits: one approved and one pending on A's ticket, one rejected on B's (for
    # /credits/{id}/…, the ticket box, the approvals page and the ledgers).
    from atiende.credits.services import credit_offer, credit_reject

    credits = [credit_offer(actor=world.agent1, ticket=world.ticket_a, kind="credit", amount="120.50", reason="SLA").pk,
               credit_offer(actor=world.agent1, ticket=world.ticket_a, kind="free_month", reason="Caída").pk]
    credit_reject(actor=world.admin, credit=credit_offer(actor=world.agent2, ticket=world.ticket_b, kind="refund_request",
                                                         amount="900", reason="Cobro doble"))
    # Maintenance: a plan on A's modem with a visit opened (a ticket with its checklist) and a plan
    # of A's organization (for /maintenance-plans/{id}/…, the plan pages and the checklist box).
    from atiende.maintenance.services import maintenance_pass, plan_create

    maintenance_plans = [
        plan_create(actor=world.admin, name="Limpieza del módem", asset=assets[0], team=world.team1, unit="month",
                    starts_on="2026-01-31", lead_days=31, checklist=["Limpiar", "Probar"]).pk,
        plan_create(actor=world.admin, name="Revisión de la tienda", organization=world.org_a, team=world.team1,
                    unit="rrule", rule="FREQ=MONTHLY;BYMONTHDAY=-1", starts_on="2026-01-01").pk]
    maintenance_pass(limit=1)
    # Appointments: a training type of team 1 and A's booked seat on A's ticket (for
    # /appointment-types/{id}/…, /appointments/{id}/…, the portal's and the ticket's pages).
    from atiende.appointments import selectors as appointment_selectors
    from atiende.appointments.services import appointment_book, type_create

    training = type_create(actor=world.admin, name="Capacitación", kind="training", minutes=60, seats=3,
                           team=world.team1.pk, min_notice_minutes=0)
    free = appointment_selectors.slot_list(user=world.admin, kind=training, start=clock.now(),
                                           end=clock.now() + timedelta(days=14))
    booked = appointment_book(actor=world.admin, kind=training, start=appointment_selectors.instant(free[0].start).isoformat(),
                              ticket=world.ticket_a)
    kinds, appointment_ids = [training.pk], [booked.pk]
    # Satisfaction: a survey sent about A's ticket (its link for /soporte/encuesta/<token>/).
    survey = Survey.objects.create(ticket=world.ticket_a, episode=1, state="sent", due_at=clock.now(),
                                   sent_at=clock.now())
    # NPS: a question sent to A (its link for /soporte/recomendacion/<token>/; the same "token" list).
    from atiende.feedback.models import NpsSurvey
    from atiende.feedback.tokens import NPS_SALT

    nps = NpsSurvey.objects.create(customer=world.customer_a, cycle=1, sent_at=clock.now())
    # Sign-in security: agent 1 with two-step verification on and two signed-in sessions, the
    # admin with one (for /bandeja/cuenta/sesiones/<id>/cerrar/, /bandeja/seguridad/<id>/restablecer/).
    from atiende.signin.models import SignedInSession
    from atiende.signin.services import totp_enrol_confirm, totp_enrol_start
    from atiende.signin.totp import code_at

    device = totp_enrol_start(user=world.agent1)
    totp_enrol_confirm(user=world.agent1, code=code_at(device.key, clock.now().timestamp()), client_ip="127.0.0.1")
    login_sessions = [SignedInSession.objects.create(user=user, session_key=f"sweep-session-{n}").pk
                      for n, user in enumerate((world.agent1, world.agent1, world.admin))]
    # Personal data (ARCO): A's access request and an export of A's data (/data-exports/{id}/…,
    # /bandeja/arco/<id>/).
    from atiende.arco.services import export_request, request_record

    arco_requests = [request_record(actor=world.admin, kind="access", text="Quiero mis datos",
                                    customer_id=world.customer_a.pk).pk]
    exports = [export_request(actor=world.admin, customer_id=world.customer_a.pk).pk]
    # Privacy: two published versions of the notice (one with hostile Markdown) and every retention
    # rule on, so the dry run walks each kind (for /privacidad/… and /bandeja/privacidad/…).
    from atiende.core.retention import KINDS
    from atiende.privacy.services import notice_publish, retention_rules_set

    notice_publish(actor=world.admin, body_es="# Aviso\n\n<script>alert(1)</script>")
    notice_publish(actor=world.admin, body_es="Aviso v2", body_en="Notice v2")
    retention_rules_set(actor=world.admin, rules={key: {"enabled": True, "amount": 1, "unit": "days"} for key in KINDS})
    # Notices: a draft to A's organization and one sent to it (for /bandeja/avisos/<id>/…), and
    # A's unsubscribe link (for /soporte/avisos/baja/<token>/) and reading link (/soporte/avisos/<token>/).
    from atiende.notices.services import notice_create, notice_send
    from atiende.notices.tokens import make_token as unsubscribe_token

    notices = [notice_create(actor=world.admin, subject=f"Aviso {n}", body="Hola, {{ customer.greeting_name }}.",
                             language="es", audience="organization", organization=world.org_a).pk for n in (1, 2)]
    notice_send(actor=world.admin, notice=notice_create(actor=world.admin, subject="Aviso enviado", body="Hola.",
                                                        language="es", audience="segment", segment="pyme"))
    tickets = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    copied = list(CopiedAgent.objects.order_by("pk").values_list("pk", flat=True))
    agents = list(User.objects.filter(kind=UserKind.AGENT).order_by("pk").values_list("pk", flat=True))
    ids = Ids(by_name={
        "ticket": tickets, "ticket_id": tickets, "target": tickets, "ids": tickets,
        "email": list(OutboundEmail.objects.values_list("pk", flat=True)),
        "email_id": list(OutboundEmail.objects.values_list("pk", flat=True)),
        "delivery_id": list(Delivery.objects.order_by("pk").values_list("pk", flat=True)),
        "message": list(Message.objects.order_by("pk").values_list("pk", flat=True)),
        "customer": list(Customer.objects.order_by("pk").values_list("pk", flat=True)),
        "organization": list(Organization.objects.order_by("pk").values_list("pk", flat=True)),
        "team": [world.team1.pk, world.team2.pk], "agent": agents, "assignee": agents, "member": agents,
        "account_manager": agents, "collaborator": [world.collaborator.pk, world.agent1.pk],
        "requester": [c.user.pk for c in (world.customer_a, world.customer_b)],
        "policy": [policy.pk], "calendar": list(Calendar.objects.order_by("pk").values_list("pk", flat=True)),
        "support_plan": list(SupportPlan.objects.values_list("pk", flat=True)) or [1],
        "tag": list(Tag.objects.order_by("pk").values_list("pk", flat=True)),
        "token": list(ApiToken.objects.order_by("pk").values_list("pk", flat=True)),
        "copied": copied, "merge": list(CustomerMerge.objects.values_list("pk", flat=True)),
        "article": articles, "related": articles, "translation_of": articles, "category": categories,
        "parent": categories, "plan": list(SupportPlan.objects.values_list("pk", flat=True)) or [1],
        "number": [whatsapp.pk], "template": [template.pk], "bot": [telegram.pk], "consultation": [consultation.pk],
        "webhook": [webhook.pk], "delivery_uuid": [str(webhook_delivery.public_id)],
        "macro_id": macros, "macro": macros, "rule_id": rule_ids, "product": products, "asset": asset_ids,
        "rma": rmas, "credit": credits,
        "plan_id": maintenance_plans, "contact": [world.customer_a.pk, world.org_admin_a.pk],
        "type": kinds, "type_id": kinds, "appointment_id": appointment_ids, "export_id": exports,
        "public_id": [str(a.public_id) for a in Attachment.objects.order_by("pk")[:3]] + ["nope", "%00", "x" * 300],
    })
    samples: dict[str, list] = {
        "subject": ["Sin internet desde ayer"], "body": ["Hola, ¿me ayudan?"], "note": ["¿Lo revisas?"],
        "email": ["nuevo@example.mx", "ana@tienda-a.mx"], "password": [PASSWORD, "otra-contraseña-larga-123"],
        "name": ["Nombre nuevo"], "time_zone": ["America/Mexico_City", "UTC", "Pacific/Kiritimati"],
        "hours": [{"mon": [["09:00", "18:00"]]}, HOURS], "holidays": ["MX", None], "closures": [["2026-12-24"], []],
        "targets": [{"first_response": {"minutes": 60, "calendar": office.pk}},
                    {"resolution": {"minutes": 10**6, "calendar": office.pk}}],
        "conditions": [{"segments": ["pyme"], "priorities": []}, {}],
        "actions": [{"warn_at_percent": 80, "escalate_on_breach": True}, {}],
        "custom_fields": [{"referencia": "abc-123"}, {}], "tags": [["vip", "normal"], []],
        "ids": [tickets[:2]], "teams": [[world.team1.pk]], "members": [[world.agent1.pk]],
        "requester": ["bruno@empresa-b.mx", "nuevo-cliente@example.mx"],
        "phone_number_id": ["109876543210"], "verify_token": ["otro-verify"], "app_secret": ["otro-secreto"],
        "access_token": ["EAAB-otro"], "api_base": ["https://graph.facebook.com/v21.0"],
        "language": ["es_MX", "es", "en"], "variables": [["Ana"]],
        "title": ["Cómo renovar tu dominio"], "status": ["draft", "published"], "visibility": ["public", "internal"],
        "slug": ["renovar-dominio-mx"],
        "url": ["https://hooks.example.mx/otro"], "events": [["ticket.created"], ["sla.breached", "ticket.solved"]],
        "bot_token": ["5550001:" + "B" * 35], "secret_token": ["otro-secreto_2"],
        # Calls (POST /calls/; /calls/events/ answers 401 without a telephony system's token).
        "phone": ["+52 55 1234 5678", "5215512345678"], "direction": ["inbound", "outbound"],
        "outcome": ["answered", "missed"], "duration_seconds": [0, 95], "call_id": ["pbx-1"],
        "started_at": ["2026-12-04T10:15:00-06:00"],
        "reply": [{"es-mx": "Hola {{ customer.first_name }}", "en": "Hi"}, {}],
        # Products and assets.
        "kind": ["device", "domain", "extended"], "sku": ["SKU-NUEVO"], "warranty_months": [0, 12, 240],
        "identifier": ["SN-NUEVO", "nuevo-dominio.mx"], "purchased_on": ["2024-02-29", "2026-12-01"],
        "starts_on": ["2026-01-01", "2028-02-29"], "ends_on": ["2027-12-31", "2028-02-29"],
        "attributes": [{"model": "X2"}, {"auto_renew": True}, {}], "order_ref": ["F-1024"],
        # Returns and repairs.
        "to": ["approved", "closed"], "reason": ["No enciende"], "return_method": ["courier_pickup", "remote"],
        "coverage": ["covered", "paid"], "quote_amount": ["1250.00"], "assets": [[asset_ids[0]]],
        "replacements": [[{"asset": asset_ids[0], "identifier": "SN-NUEVO-R"}]],
        # Goodwill credits ("kind" gains the credit kinds).
        "amount": ["120.50", "0.01"], "currency": ["MXN"],
        # Maintenance plans.
        "unit": ["month", "rrule", "week"], "interval": [1, 3], "rule": ["FREQ=MONTHLY;BYMONTHDAY=-1", ""],
        "lead_days": [0, 7], "checklist": [["Limpiar", "Probar"], []], "active": [True, False],
        # Appointments ("start" is also a booking's start; "kind" gains the appointment kinds).
        "minutes": [30, 60], "seats": [1, 3], "agents": [[world.agent1.pk], []],
        "start": [appointment_selectors.instant(free[-1].start).isoformat(), "2026-12-08T10:00:00-06:00"],
        # The reply checker (POST /replies/check/).
        "text": ["Hola, Ana:\n\nTE AVISAMOS PRONTO, te adjunto la guía.\n\nSaludos", ""],
        "customer_message": ["¿Cuánto cuesta otra cuenta de correo?", ""], "attachments": [0, 2],
    }
    samples["kind"] += ["remote", "training", "credit", "free_month"]
    # Query parameters that must be valid for the others to be read at all.
    query_samples = {"from": "2026-12-08", "to": "2026-12-15",
                     "start": "2026-11-13T17:55:00-06:00", "end": "2026-11-20T10:00:00-06:00", "minutes": "60",
                     "arrival": "2026-11-13T17:55:00-06:00", "since": "2026-10-01T00:00:00Z",
                     "until": "2026-11-01T00:00:00Z",
                     # The Erlang C calculator needs a load before its targets are read.
                     "contacts_per_hour": "200", "aht_seconds": "180"}
    numbers = list(Ticket.objects.order_by("pk").values_list("number", flat=True))
    page_ids = {
        "number": [*numbers, 999_999_999], "portal.number": [*numbers, 999_999_999],
        "ticket_id": [*tickets, 999_999_999],
        "message_id": [planted.customer_message.pk, planted.agent_html_reply.pk, 999_999_999],
        "customer_id": [world.customer_a.pk, planted.customer.pk, 999_999_999],
        "copied_id": [*copied, 999_999_999],
        "merge_id": [*ids.by_name["merge"], 999_999_999],
        "macro_id": [*macros, 999_999_999],
        "rule_id": [*rules, *rule_ids, 999_999_999], "skill_id": [skill.pk, 999_999_999],
        "workspace.team_id": [world.team1.pk, world.team2.pk, 999_999_999],
        "workspace.agent_id": [world.agent1.pk, world.collaborator.pk, world.customer_a.user.pk, 999_999_999],
        "webhook_id": [webhook.pk, 999_999_999],
        "delivery_uuid": [str(webhook_delivery.public_id), "00000000-0000-0000-0000-000000000000"],
        "product_id": [*products, 999_999_999], "asset_id": [*asset_ids, 999_999_999],
        "rma_id": [*rmas, 999_999_999], "credit_id": [*credits, 999_999_999],
        "organization_id": [world.org_a.pk, world.org_b.pk, 999_999_999],
        "plan_id": [*maintenance_plans, 999_999_999],
        "type_id": [*kinds, 999_999_999], "appointment_id": [*appointment_ids, 999_999_999],
        "request_id": [*arco_requests, 999_999_999],
        "view_id": [*SavedView.objects.values_list("pk", flat=True), 999_999_999],
        "session_id": [*ChatSession.objects.order_by("pk").values_list("pk", flat=True), 999_999_999],
        "public_id": ids.by_name["public_id"],
        "token": ["x", "a" * 300, "AAAA.BBBB.CCCC", "%00", "²", "\u00e9", make_token(survey.public_id),
                  make_token(survey.public_id)[:-2] + "xx", unsubscribe_token(world.customer_a.pk),
                  make_token(nps.public_id, salt=NPS_SALT), reading_token(world.customer_a)],
        "notice_id": [*notices, *Notice.objects.exclude(pk__in=notices).values_list("pk", flat=True), 999_999_999],
        "article_id": [*articles, 999_999_999], "workspace.number": [1, 2, 999_999_999],
        "guide_id": [guide.pk, 999_999_999],
        "login_session_id": [*login_sessions, 999_999_999],
        "workspace.token_id": [*ApiToken.objects.order_by("pk").values_list("pk", flat=True), 999_999_999],
        "workspace.user_id": [world.agent1.pk, world.admin.pk, world.customer_a.user.pk, 999_999_999],
        "signin.uidb64": ["MQ", "x", "%00", "a" * 300], "signin.token": ["x", "a" * 300, "1-2", "\u00e9"],
        "help.slug": [*Article.objects.order_by("pk").values_list("slug", flat=True), "renovar-dominio", "no-existe",
                      "a" * 300, "-"],
        "privacy.version": [1, 2, 999_999_999, "x", "0", "9" * 40],
        "help.public_id": [*(str(a.public_id) for a in ArticleAttachment.objects.all()), "nope", "%00", "x" * 300],
    }
    return Swept(world=world, ids=ids, samples=samples, query_samples=query_samples, page_ids=page_ids)


__all__ = ["MAIL_SECRET", "Policy", "Swept", "build"]
