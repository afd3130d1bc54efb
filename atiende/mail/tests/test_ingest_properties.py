"""Hostile messages through the whole ingestion (Hypothesis): it never raises, and nothing it
stores — the original, the quarantined copy, attachments — lands outside the media storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atiende.mail.models import InboundMessage, QuarantinedMessage
from atiende.mail.services import Outcome, ingest
from atiende.tickets.models import Attachment

from .test_parsing_properties import hostile_message

INGEST_SETTINGS = settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
SENDER = b"From: Lupita <lupita@abarrotes.mx>\r\nTo: soporte@nopal.mx\r\n"


def _inside_media(path: str) -> bool:
    root = Path(django_settings.MEDIA_ROOT).resolve()
    return Path(path).resolve().is_relative_to(root)


@pytest.mark.django_db
@INGEST_SETTINGS
@given(raw=hostile_message() | st.binary(max_size=2000), with_sender=st.booleans())
def test_ingestion_never_crashes_and_never_writes_outside_storage(raw, with_sender):
    if with_sender:
        raw = SENDER + raw
    result = ingest(raw, source="file", answer=False)
    assert result.outcome in {Outcome.NEW_TICKET, Outcome.REPLY, Outcome.DUPLICATE, Outcome.AUTOMATIC, Outcome.QUARANTINED}
    stored = [item.raw.path for item in (*InboundMessage.objects.all(), *QuarantinedMessage.objects.all())]
    stored += [attachment.file.path for attachment in Attachment.objects.all()]
    assert all(_inside_media(path) for path in stored)
    assert all("/" not in name and not name.startswith(".") for name in Attachment.objects.values_list("filename", flat=True))
