"""Retention: processed webhook events go after WHATSAPP_EVENT_RETENTION_DAYS, kept statuses for a
message never sent after a week; what was not processed stays for an administrator."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from atiende.core import clock
from atiende.whatsapp.models import EventState, PendingStatus, WebhookEvent
from atiende.whatsapp.services import events_prune
from atiende.whatsapp.tasks import prune

pytestmark = pytest.mark.django_db

BODIES = itertools.count(1)
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _event(number, days: float, state=EventState.PROCESSED):
    return WebhookEvent.objects.create(number=number, body="{}", body_sha256=f"{next(BODIES):064x}", state=state,
                                       received_at=NOW - timedelta(days=days))


def test_old_processed_events_and_stale_statuses_are_deleted_in_batches(number, settings):
    settings.WHATSAPP_EVENT_RETENTION_DAYS = 30
    old = [_event(number, 31) for _ in range(5)]
    kept = [_event(number, 29), _event(number, 40, EventState.FAILED), _event(number, 40, EventState.RECEIVED)]
    PendingStatus.objects.create(external_id="wamid.VIEJO", status="read", received_at=NOW - timedelta(days=8))
    PendingStatus.objects.create(external_id="wamid.RECIENTE", status="read", received_at=NOW - timedelta(days=6))
    with clock.frozen_at(NOW):
        assert events_prune(batch=2) == (5, 1)
        assert events_prune(batch=2) == (0, 0)
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {e.pk for e in kept}
    assert not WebhookEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert list(PendingStatus.objects.values_list("external_id", flat=True)) == ["wamid.RECIENTE"]


def test_the_retention_runs_on_the_schedule(number):
    entry = settings.CELERY_BEAT_SCHEDULE["whatsapp-prune"]
    assert entry["task"] == prune.name == "whatsapp.prune"
    _event(number, 100)
    with clock.frozen_at(NOW):
        assert prune.apply().get() == (1, 0)
