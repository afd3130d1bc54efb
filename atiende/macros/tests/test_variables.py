"""Macro variables: known names substituted, everything else inert."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from atiende.core.clock import frozen_at
from atiende.macros import variables
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.services import ticket_create

CDMX = ZoneInfo("America/Mexico_City")


def cdmx(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CDMX).astimezone(UTC)


def test_each_variable_is_its_value(world):
    text = ("{{ customer.first_name }}|{{customer.name}}|{{ ticket.number }}|{{ ticket.subject }}|"
            "{{ agent.first_name }}|{{ organization.name }}|{{ ticket.promise }}")
    rendered = variables.render(text, ticket=world.ticket_a, language="es-mx", agent=world.agent1)
    assert rendered == f"Ana|Ana Cliente|{world.ticket_a.number}|Mi dominio no resuelve|Ulises|Tienda A|"


def test_without_an_agent_the_assignee_is_named_and_missing_data_is_empty(world):
    ticket = world.ticket_a
    ticket.organization = None
    assert variables.render("[{{ agent.first_name }}][{{ organization.name }}]", ticket=ticket, language="en") == "[][]"
    ticket.assignee = world.agent2
    assert variables.render("{{ agent.first_name }}", ticket=ticket, language="en") == "Diana"


@pytest.mark.parametrize("text", [
    "{{ ticket.__class__ }}", "{{ ticket.requester.user.password }}", "{{ customer.name|upper }}",
    "{% load static %}{% debug %}", "{{ settings.SECRET_KEY }}", "{# comment #}", "{{", "}}{{ }}",
    "{{ ticket.__init__.__globals__ }}",
])
def test_anything_else_stays_exactly_as_written(world, text):
    assert variables.render(text, ticket=world.ticket_a, language="en") == text


def test_values_are_never_expanded_again(world):
    customer = world.ticket_a.requester
    customer.name = "{{ ticket.subject }} {% debug %}"
    assert variables.render("Hola {{ customer.name }}", ticket=world.ticket_a, language="es-mx") == (
        "Hola {{ ticket.subject }} {% debug %}")


def test_problems_name_unknown_variables_and_template_tags():
    assert variables.problems("Hola {{ customer.first_name }}, {{ ticket.number }}") == []
    assert variables.problems("{{ ticket.__class__ }} {{ ticket.__class__ }} {{ customer.nombre }}") == [
        "Unknown variable “ticket.__class__”.", "Unknown variable “customer.nombre”."]
    assert variables.problems("{% load static %}") == [
        "Only variables such as {{ customer.first_name }} are supported; remove “{%” and “{#”."]
    assert variables.problems("{{ }}") == ["An empty variable “{{ }}”."]


def test_the_promise_is_the_slas_deadline_in_the_customers_zone_and_language(world):
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    policy_create(actor=world.admin, name="Estándar", targets={"first_response": {"minutes": 60, "calendar": office.pk}})
    with frozen_at(cdmx(17, 10, 0)):  # a Tuesday, 10:00 in Mexico City
        ticket = ticket_create(actor=world.agent1, subject="DNS", body="x", requester=world.customer_a, team=world.team1)
    world.customer_a.time_zone = "America/Tijuana"
    world.customer_a.save()
    ticket.refresh_from_db()
    with frozen_at(cdmx(17, 10, 5)):
        english = variables.render("before {{ ticket.promise }}", ticket=ticket, language="en")
        spanish = variables.render("antes del {{ ticket.promise }}", ticket=ticket, language="es-mx")
    assert english == "before Tuesday, November 17 at 09:00, Northwest time"
    assert spanish.startswith("antes del martes 17 de noviembre a las 09:00, ")
    with frozen_at(cdmx(17, 12, 0)):  # late: no time already gone is promised
        assert variables.render("[{{ ticket.promise }}]", ticket=ticket, language="en") == "[]"
