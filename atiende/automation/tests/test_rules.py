"""Triggers and time rules through the real ticket services, on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from atiende.accounts.models import Team
from atiende.automation.models import Event, Outcome, RuleRun, Since, TimeRule, Trigger
from atiende.automation.services import time_rules_run
from atiende.core import clock
from atiende.sla.models import Calendar
from atiende.tickets.models import Ticket, TicketEvent
from atiende.tickets.selectors import event_text
from atiende.tickets.services import message_create, ticket_create, ticket_update

CDMX = ZoneInfo("America/Mexico_City")
pytestmark = pytest.mark.django_db


def cdmx(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CDMX).astimezone(UTC)


def _new(world, subject="El sitio está caído", body="No abre"):
    return ticket_create(actor=world.customer_a.user, subject=subject, body=body)


def test_issue_example_trigger_sets_priority_and_tags_and_says_so_in_history(world):
    Trigger.objects.create(
        name="Caídas a urgente", event=Event.CREATED, position=10,
        conditions={"all": [{"field": "subject", "op": "contains", "value": "CAIDO"}], "any": []},
        actions=[{"type": "set", "field": "priority", "value": "urgent"}, {"type": "add_tags", "value": ["caida"]}],
    )
    ticket = _new(world)
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert list(ticket.tags.values_list("name", flat=True)) == ["caida"]
    event = TicketEvent.objects.get(ticket=ticket, field="rule")
    from django.utils import translation

    with translation.override("en"):
        assert event_text(event) == "Automation: rule «Caídas a urgente» did priority → urgent; +caida."
    assert RuleRun.objects.get(ticket=ticket).outcome == Outcome.APPLIED
    other = _new(world, subject="Factura")
    assert other.priority == "normal"


def test_stop_processing_and_order(world):
    Trigger.objects.create(name="b", event=Event.CREATED, position=2, actions=[{"type": "set", "field": "priority", "value": "low"}])
    Trigger.objects.create(name="a", event=Event.CREATED, position=1, stop_processing=True,
                           actions=[{"type": "set", "field": "priority", "value": "high"}])
    assert Ticket.objects.get(pk=_new(world).pk).priority == "high"


def test_deleted_team_is_reported_and_skipped_other_actions_apply(world):
    gone = Team.objects.create(name="Nivel 2")
    gone_id = gone.pk
    gone.delete()
    trigger = Trigger.objects.create(
        name="VIP a nivel 2", event=Event.CREATED,
        actions=[{"type": "set", "field": "team", "value": gone_id}, {"type": "add_tags", "value": ["vip"]}],
    )
    ticket = _new(world)
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    trigger.refresh_from_db()
    assert "team" in trigger.problem
    assert RuleRun.objects.get(trigger=trigger).outcome == Outcome.PARTIAL


@override_settings(AUTOMATION_MAX_DEPTH=3)
def test_two_rules_that_undo_each_other_stop_and_the_stop_is_recorded(world):
    Trigger.objects.create(name="sube", event=Event.PRIORITY_CHANGED,
                           conditions={"all": [{"field": "priority", "op": "is", "value": "low"}]},
                           actions=[{"type": "set", "field": "priority", "value": "high"}])
    baja = Trigger.objects.create(name="baja", event=Event.PRIORITY_CHANGED,
                                  conditions={"all": [{"field": "priority", "op": "is", "value": "high"}]},
                                  actions=[{"type": "set", "field": "priority", "value": "low"}])
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"priority": "low"})
    stops = RuleRun.objects.filter(ticket=world.ticket_a, outcome=Outcome.STOPPED)
    assert stops.count() == 1
    assert TicketEvent.objects.filter(ticket=world.ticket_a, field="rule_stopped").count() == 1
    assert RuleRun.objects.filter(ticket=world.ticket_a, trigger=baja).exists()


@override_settings(AUTOMATION_RUNS_PER_TICKET=2)
def test_per_ticket_rate_limit(world):
    Trigger.objects.create(name="nota", event=Event.CUSTOMER_REPLIED, actions=[{"type": "note", "value": "Respondió {{ customer.first_name }}"}])
    for n in range(3):
        message_create(actor=world.customer_a.user, ticket=world.ticket_a, body=f"hola {n}")
    runs = RuleRun.objects.filter(ticket=world.ticket_a)
    assert [r.outcome for r in runs.order_by("id")] == [Outcome.APPLIED, Outcome.APPLIED, Outcome.STOPPED]
    assert world.ticket_a.messages.filter(kind="internal", body_text="Respondió Ana").count() == 2


def test_time_rule_counts_business_time_only_weekend_and_holiday_do_not_count(world):
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    with clock.frozen_at(cdmx(13, 17, 0)):  # Friday 17:00; Sat, Sun and Mon 16 (holiday) closed
        ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "pending_customer"})
    rule = TimeRule.objects.create(
        name="Recordatorio", status="pending_customer", since=Since.UPDATED, after_minutes=120, calendar=office,
        actions=[{"type": "reply", "value": "Hola {{ customer.first_name }}, ¿seguimos con el #{{ ticket.number }}?"}],
    )
    assert time_rules_run(now=cdmx(17, 9, 30)) == 0  # 4 wall days later, 1.5 business hours
    assert time_rules_run(now=cdmx(17, 10, 5)) == 1
    assert time_rules_run(now=cdmx(17, 10, 6)) == 0  # safe to run twice
    assert RuleRun.objects.filter(time_rule=rule).count() == 1
    reply = world.ticket_a.messages.order_by("-id").first()
    assert reply.body_text == f"Hola Ana, ¿seguimos con el #{world.ticket_a.number}?"
    assert world.ticket_b.pk not in RuleRun.objects.values_list("ticket_id", flat=True)


def test_time_rule_conditions_and_solve_with_note(world):
    rule = TimeRule.objects.create(
        name="Cerrar", after_minutes=30, conditions={"all": [{"field": "tags", "op": "contains", "value": "auto"}]},
        actions=[{"type": "note", "value": "Cerrado por inactividad"}, {"type": "set", "field": "status", "value": "solved"}],
    )
    ticket_update(actor=world.admin, ticket=world.ticket_b, changes={"tags": ["auto"]})
    later = clock.now() + __import__("datetime").timedelta(minutes=31)
    assert time_rules_run(now=later) == 1
    assert Ticket.objects.get(pk=world.ticket_b.pk).status == "solved"
    assert not RuleRun.objects.filter(time_rule=rule, ticket=world.ticket_a).exists()


def test_later_passes_read_only_what_became_due_yet_miss_nothing(world):
    from datetime import timedelta

    from atiende.automation.services import rule_update

    start = clock.now()
    rule = TimeRule.objects.create(name="Espera", status="pending_customer", since=Since.CREATED, after_minutes=60,
                                   actions=[{"type": "add_tags", "value": ["espera"]}])
    assert time_rules_run(now=start + timedelta(hours=2)) == 0  # nothing pending yet: the pass sweeps
    rule.refresh_from_db()
    assert rule.swept_until is not None
    # Created long before the last cutoff, pending only now: found because it changed since the pass.
    with clock.frozen_at(start + timedelta(hours=3)):
        ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "pending_customer"})
    assert time_rules_run(now=start + timedelta(hours=3, minutes=1)) == 1
    assert time_rules_run(now=start + timedelta(hours=3, minutes=2)) == 0
    # Editing what a rule matches makes the next pass look at every ticket again.
    with clock.frozen_at(start + timedelta(hours=4)):
        ticket_update(actor=world.admin, ticket=world.ticket_b, changes={"status": "pending_customer"})
    Ticket.objects.filter(pk=world.ticket_b.pk).update(updated_at=start)  # as if changed before the last pass
    assert time_rules_run(now=start + timedelta(hours=4, minutes=1)) == 0
    rule_update(actor=world.admin, rule=rule, changes={"after_minutes": 30})
    assert time_rules_run(now=start + timedelta(hours=4, minutes=2)) == 1
