"""The weekly summary mail: to each supervisor, last week in their time zone and language, plain
text and HTML, once per week however many times the job runs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from atiende.core.clock import frozen_at
from atiende.reporting.tasks import weekly_summary
from atiende.tickets.services import message_create, ticket_create

pytestmark = pytest.mark.django_db


def test_each_supervisor_gets_last_week_once_in_their_language(world):
    cache.clear()
    zone = ZoneInfo("America/Mexico_City")
    with frozen_at(datetime(2026, 11, 4, 10, tzinfo=zone)):  # a Wednesday
        ticket = ticket_create(actor=world.admin, requester=world.customer_a, subject="Factura", body="Hola",
                               channel="email", team=world.team1)
        message_create(actor=world.agent1, ticket=ticket, body="Listo")
    world.supervisor.language = "es-mx"
    world.supervisor.time_zone = "America/Tijuana"
    world.supervisor.save()
    with frozen_at(datetime(2026, 11, 9, 8, tzinfo=zone)):  # the next Monday
        assert weekly_summary() == 1
        assert weekly_summary() == 0  # the same week again: nothing
    (message,) = mail.outbox
    assert message.to == [world.supervisor.email]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "2026-11-02" in message.subject  # Monday to Sunday before
    assert "America/Tijuana" in message.body and "Soporte general" in message.body
    assert "since=2026-11-02&until=2026-11-08" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "<table" in html and "Soporte general" in html
    assert 'lang="es-mx"' in html or "lang=" in html


def test_the_schedule_runs_it_weekly():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-weekly-summary"]
    assert entry["task"] == "reporting.weekly_summary"
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].day_of_week == {1}
