"""The same batch on two workers at the same moment (threads with their own connections): each
recipient is claimed by one of them, so each customer gets one message. On PostgreSQL the second
claim waits on the row lock, then finds the row sent; SQLite serializes writers, so there a run
may also lose to "database is locked" — a later run then sends what it left, never a duplicate."""

from __future__ import annotations

import pytest
from django.core import mail

from atiende.notices import services
from atiende.notices.models import NoticeRecipient, RecipientState
from tests.concurrency import race

from .helpers import crowd

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_workers_on_the_same_batch_send_each_message_once(world):
    org = crowd(40, name="Carrera")
    notice = services.notice_create(actor=world.supervisor, subject="Aviso", body="Hola.", language="es",
                                    audience="organization", organization=org)
    services.notice_send(actor=world.supervisor, notice=notice)  # autocommit: the eager batch runs now
    mail.outbox.clear()
    NoticeRecipient.objects.filter(notice=notice).update(state=RecipientState.PENDING, sent_at=None)
    ids = list(NoticeRecipient.objects.filter(notice=notice).order_by("pk").values_list("pk", flat=True))
    outcomes = race(*[lambda: services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids)] * 2)
    assert "ok" in outcomes
    services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids)  # what a lost run left
    addresses = [m.to[0] for m in mail.outbox]
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert sorted(addresses) == sorted(set(addresses)) and len(addresses) == 40
    assert NoticeRecipient.objects.filter(notice=notice, state=RecipientState.SENT).count() == 40
