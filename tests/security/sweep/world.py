"""The world the sweep runs in: conftest's `world`, the hostile corpus planted over it (tickets with
attachments, a mail ticket, a saved view, hostile names), a calendar, a policy and an outgoing
email, and the ids and valid samples the requests are built from."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.models import ApiToken, User, UserKind
from atiende.accounts.services import token_issue
from atiende.assets.services import asset_create, asset_link, product_create, warranty_add
from atiende.chat.models import ChatSession
from atiende.chat.services import session_accept, session_start, site_create
from atiende.customers.models import Customer, Organization, SupportPlan
from atiende.customers.services import customer_create
from atiende.kb.models import Article, ArticleAttachment, Category
from atiende.kb.services import article_create, article_update, attachment_add, category_create
from atiende.macros.services import macro_create
from atiende.mail.models import OutboundEmail
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
    }
    # Query parameters that must be valid for the others to be read at all.
    query_samples = {"start": "2026-11-13T17:55:00-06:00", "end": "2026-11-20T10:00:00-06:00", "minutes": "60",
                     "arrival": "2026-11-13T17:55:00-06:00", "since": "2026-10-01T00:00:00Z",
                     "until": "2026-11-01T00:00:00Z"}
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
        "view_id": [*SavedView.objects.values_list("pk", flat=True), 999_999_999],
        "session_id": [*ChatSession.objects.order_by("pk").values_list("pk", flat=True), 999_999_999],
        "public_id": ids.by_name["public_id"],
        "token": ["x", "a" * 300, "AAAA.BBBB.CCCC", "%00", "²", "\u00e9"],
        "article_id": [*articles, 999_999_999], "workspace.number": [1, 2, 999_999_999],
        "guide_id": [guide.pk, 999_999_999],
        "help.slug": [*Article.objects.order_by("pk").values_list("slug", flat=True), "renovar-dominio", "no-existe",
                      "a" * 300, "-"],
        "help.public_id": [*(str(a.public_id) for a in ArticleAttachment.objects.all()), "nope", "%00", "x" * 300],
    }
    return Swept(world=world, ids=ids, samples=samples, query_samples=query_samples, page_ids=page_ids)


__all__ = ["MAIL_SECRET", "Policy", "Swept", "build"]
