"""The email, apply_macro and webhook actions, the schedule entry, and stale references."""

import json

import pytest
from django.conf import settings
from django.core import mail

from atiende.automation.models import Event, Outcome, RuleRun, TimeRule, Trigger
from atiende.automation.tasks import time_rules
from atiende.core import clock
from atiende.core.scheduler import EmbeddedScheduler
from atiende.macros.services import macro_create
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_create
from atiende.webhooks.models import Delivery, Subscription
from atiende.webhooks.services import delivery_attempt, subscription_create
from atiende.webhooks.tests import test_webhooks
from atiende.webhooks.tests.test_webhooks import SECRET, verify

pytestmark = pytest.mark.django_db
receiver = test_webhooks.receiver  # the local HTTP receiver fixture


def _new(world, subject="El sitio está caído"):
    return ticket_create(actor=world.customer_a.user, subject=subject, body="No abre")


def test_email_action_mails_the_requester_with_variables_after_commit(world, django_capture_on_commit_callbacks):
    Trigger.objects.create(name="Aviso", event=Event.CREATED, actions=[
        {"type": "email", "subject": "Recibimos el #{{ ticket.number }}", "value": "Hola {{ customer.first_name }}."}])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _new(world)
    sent = [m for m in mail.outbox if m.subject == f"Recibimos el #{ticket.number}"]
    assert len(sent) == 1
    assert sent[0].body == "Hola Ana."
    assert sent[0].to == [world.customer_a.identities.get(kind="email").value]
    assert sent[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert RuleRun.objects.get(ticket=ticket).outcome == Outcome.APPLIED


def test_apply_macro_action_applies_it_as_the_automation_actor(world):
    macro = macro_create(actor=world.admin, name="Captura", team=world.team1,
                         reply={"es-mx": "Hola {{ customer.first_name }}, ¿nos mandas una captura?"},
                         actions={"priority": "high", "add_tags": []})
    Trigger.objects.create(name="Macro", event=Event.CREATED, actions=[{"type": "apply_macro", "value": macro.pk}])
    ticket = Ticket.objects.get(pk=_new(world).pk)
    assert ticket.priority == "high"
    assert ticket.messages.filter(kind="public", body_text="Hola Ana, ¿nos mandas una captura?").exists()
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_webhook_action_sends_one_signed_delivery_to_its_subscription(world, receiver):
    server = receiver()
    subscription = subscription_create(actor=world.admin, url=server.url, events=["ticket.solved"], secret=SECRET)
    Trigger.objects.create(name="Avisar al ERP", event=Event.CREATED,
                           actions=[{"type": "webhook", "value": subscription.pk}])
    ticket = _new(world)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.event == "rule.action" and delivery.ticket_id == ticket.pk
    delivery_attempt(delivery.pk)
    headers, body = server.requests[0]
    assert verify(SECRET, body, headers["X-Atiende-Signature"], now=clock.now().timestamp())
    data = json.loads(body)["data"]
    assert data["ticket"]["id"] == ticket.pk and data["rule"] == {"name": "Avisar al ERP"}


def test_deleted_macro_subscription_and_inactive_subscription_are_reported_and_skipped(world):
    macro = macro_create(actor=world.admin, name="Borrada", team=world.team1, reply={"es-mx": "Hola"})
    gone_macro = macro.pk
    macro.delete()
    off = Subscription.objects.create(url="https://example.com/h", secret=SECRET, events=["ticket.created"],
                                      active=False)
    trigger = Trigger.objects.create(name="Rotas", event=Event.CREATED, actions=[
        {"type": "apply_macro", "value": gone_macro}, {"type": "webhook", "value": 999_999},
        {"type": "webhook", "value": off.pk}, {"type": "add_tags", "value": ["sigue"]}])
    ticket = _new(world)
    assert list(ticket.tags.values_list("name", flat=True)) == ["sigue"]
    run = RuleRun.objects.get(trigger=trigger)
    assert run.outcome == Outcome.PARTIAL
    assert f"apply_macro #{gone_macro}" in run.detail and "webhook #999999" in run.detail and f"webhook #{off.pk}" in run.detail
    assert not Delivery.objects.exists()


def test_email_action_without_an_address_is_reported(world):
    world.customer_a.identities.all().delete()
    trigger = Trigger.objects.create(name="Sin correo", event=Event.CREATED, actions=[
        {"type": "email", "subject": "Hola", "value": "Hola"}, {"type": "add_tags", "value": ["x"]}])
    _new(world)
    assert RuleRun.objects.get(trigger=trigger).outcome == Outcome.PARTIAL
    assert not mail.outbox or all(m.subject != "Hola" for m in mail.outbox)


def test_the_schedule_runs_time_rules_and_twice_is_harmless(world):
    entry = settings.CELERY_BEAT_SCHEDULE["automation-time-rules"]
    assert entry["task"] == time_rules.name == "automation.time_rules"
    rule = TimeRule.objects.create(name="Nota", after_minutes=1, actions=[{"type": "note", "value": "Sigue abierto"}])
    with clock.frozen_at(clock.now() + __import__("datetime").timedelta(minutes=5)):
        first = time_rules.apply().get()
        second = time_rules.apply().get()
    assert first == RuleRun.objects.filter(time_rule=rule).count() >= 2
    assert second == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_scheduler_runs_the_time_rules_entry(world):
    import time
    from datetime import timedelta

    rule = TimeRule.objects.create(name="Nota", after_minutes=1, actions=[{"type": "note", "value": "Sigue abierto"}])
    entry = dict(settings.CELERY_BEAT_SCHEDULE["automation-time-rules"], schedule=0.2)
    with clock.frozen_at(clock.now() + timedelta(minutes=5)):
        scheduler = EmbeddedScheduler({"automation-time-rules": entry})
        scheduler.start()
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not RuleRun.objects.filter(time_rule=rule).exists():
                time.sleep(0.1)
        finally:
            scheduler.stop()
            scheduler.join(timeout=10)
    assert RuleRun.objects.filter(time_rule=rule).exists()


def test_new_action_validation_names_the_field(world):
    from atiende.automation.actions import validate

    errors = validate([{"type": "email", "value": "Hola {{ ticket.__class__ }}"}, {"type": "apply_macro", "value": "x"},
                       {"type": "webhook", "value": True}])
    assert set(errors) == {"actions[0].value", "actions[0].subject", "actions[1].value", "actions[2].value"}


def test_a_time_rule_escalates_to_the_next_tier_as_an_agent_would(world):
    """Escalation by time rules: unanswered for a day → the team's next tier, the reason noted."""
    from datetime import timedelta

    world.team1.escalation_team = world.team2
    world.team1.save()
    from atiende.tickets.services import ticket_update

    ticket = ticket_update(actor=world.admin, ticket=_new(world), changes={"team": world.team1})
    TimeRule.objects.create(name="Sin respuesta", after_minutes=24 * 60,
                            actions=[{"type": "escalate", "value": "Sin respuesta en un día ({{ ticket.number }})"}])
    with clock.frozen_at(clock.now() + timedelta(days=2)):
        time_rules.apply()
    ticket.refresh_from_db()
    assert (ticket.team_id, ticket.assignee_id) == (world.team2.pk, None)
    assert ticket.messages.filter(kind="internal", body_text__contains=f"Sin respuesta en un día ({ticket.number})").exists()


def test_escalate_without_a_next_tier_is_reported_and_skipped(world):
    Trigger.objects.create(name="Escalar", event=Event.CREATED, actions=[{"type": "escalate", "value": "VIP"},
                                                                        {"type": "add_tags", "value": ["vip"]}])
    ticket = _new(world)
    run = RuleRun.objects.get(ticket=ticket)
    assert run.outcome == Outcome.PARTIAL and "escalate" in run.detail
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
