"""These tests read messages and pages as their English msgids; `kinds` is a remote type and a
training type (three seats) given by team 1."""

import pytest
from django.utils import translation

from atiende.appointments.services import type_create


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def kinds(world):
    remote = type_create(actor=world.admin, name="Sesión remota", kind="remote", minutes=60, team=world.team1.pk,
                         buffer_after=0, min_notice_minutes=60, step_minutes=60)
    training = type_create(actor=world.admin, name="Capacitación", kind="training", minutes=120, seats=3,
                           team=world.team1.pk, step_minutes=60)
    return {"remote": remote, "training": training}
