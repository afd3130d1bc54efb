"""Sending a notice: one message per recipient (never a shared To or Cc), through the real mail
backend; unsubscribed customers skipped for announcements only; a batch run twice, or a worker
that dies mid-batch, sends each message once; the send is audited and on each customer's page."""

from __future__ import annotations

from email import message_from_string
from email.utils import getaddresses

import pytest
from django.core import mail
from django.test import Client

from atiende.core.audit import AuditEntry
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.core.models import OutboxMessage
from atiende.customers.models import Segment
from atiende.customers.services import customer_create
from atiende.notices import services
from atiende.notices.models import (
    Notice,
    NoticeOptOut,
    NoticeRecipient,
    NoticeState,
    RecipientState,
    SkipReason,
)
from atiende.notices.selectors import audience_count, notice_preview, notice_progress
from atiende.notices.tokens import make_token

from .helpers import crowd

BODY = "Hola, {{ customer.greeting_name }}:\n\nEl sábado cambiamos de servidor. ¿Dudas? Respóndenos.\n\nSaludos"


def draft(world, **given) -> Notice:
    values = {"subject": "Mantenimiento del sábado", "body": BODY, "language": "es", "essential": False,
              "audience": "organization", "organization": world.org_a, **given}
    return services.notice_create(actor=world.supervisor, **values)


def send(notice, actor, captured) -> int:
    with captured(execute=True):
        return services.notice_send(actor=actor, notice=notice)


def test_a_notice_to_1000_customers_is_1000_messages_each_with_one_address(world, settings,
                                                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "atiende.core.mail.OutboxBackend"  # the embedded default's real outbox
    settings.NOTICES_BATCH_SIZE = 100
    org = crowd(1000)
    notice = draft(world, audience="segment", segment=Segment.INDIVIDUAL, organization=None)
    assert audience_count(notice).reachable == 1000
    assert send(notice, world.supervisor, django_capture_on_commit_callbacks) == 1000
    outbox = list(OutboxMessage.objects.order_by("pk"))
    assert len(outbox) == 1000
    assert all(len(m.to) == 1 and m.cc == [] and m.bcc == [] for m in outbox)
    for row in outbox:  # the message as it would leave: one address in To, no Cc or Bcc header
        parsed = message_from_string(row.raw)
        assert len(getaddresses(parsed.get_all("To"))) == 1
        assert parsed.get_all("Cc") is None and parsed.get_all("Bcc") is None
    expected = {f"c{n}.o{org.pk}@masivo.example.mx" for n in range(1000)}
    assert {m.to[0] for m in outbox} == expected
    first = OutboxMessage.objects.get(to=[f"c0.o{org.pk}@masivo.example.mx"])
    assert first.body.startswith("Hola, Cliente:\n\nEl sábado cambiamos de servidor.")
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT
    assert notice_progress(notice) == notice_progress(notice).__class__(total=1000, pending=0, sent=1000, failed=0,
                                                                        skipped=0)


def test_unsubscribed_customers_are_skipped_for_announcements_not_for_essential_notices(
        world, django_capture_on_commit_callbacks):
    page = Client()
    token = make_token(world.colleague_a.pk)
    assert page.get(f"/soporte/avisos/baja/{token}/").status_code == 200  # a scanner's GET changes nothing
    assert not NoticeOptOut.objects.exists()
    # RFC 8058: the mail provider's one-click POST, without our cookie or CSRF token.
    answer = Client(enforce_csrf_checks=True).post(f"/soporte/avisos/baja/{token}/", {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and NoticeOptOut.objects.get().customer == world.colleague_a
    assert page.post(f"/soporte/avisos/baja/{token[:-2]}xx/").status_code == 400
    announcement = draft(world)
    assert send(announcement, world.supervisor, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@tienda-a.mx", "olga@tienda-a.mx"]
    skipped = NoticeRecipient.objects.get(notice=announcement, state=RecipientState.SKIPPED)
    assert (skipped.customer, skipped.skip_reason) == (world.colleague_a, SkipReason.UNSUBSCRIBED)
    link = f"http://testserver/soporte/avisos/baja/{make_token(world.customer_a.pk)}/"
    ana = next(m for m in mail.outbox if m.to == ["ana@tienda-a.mx"])
    assert link.split("/soporte/")[1] in ana.body
    assert ana.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail.outbox.clear()
    essential = draft(world, essential=True, subject="Cambio de contrato")
    assert send(essential, world.supervisor, django_capture_on_commit_callbacks) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@tienda-a.mx", "beto@tienda-a.mx", "olga@tienda-a.mx"]
    assert all("/avisos/baja/" not in m.body and "List-Unsubscribe" not in m.extra_headers for m in mail.outbox)


def test_a_batch_run_twice_sends_each_message_once(world, django_capture_on_commit_callbacks):
    notice = draft(world)
    with django_capture_on_commit_callbacks(execute=False) as queued:  # queued, not yet run
        services.notice_send(actor=world.supervisor, notice=notice)
    ids = list(NoticeRecipient.objects.filter(notice=notice).values_list("pk", flat=True))
    assert len(queued) == 1 and mail.outbox == []
    assert services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids) == 3
    assert services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids) == 0
    queued[0]()  # the broker's own copy of the batch, delivered late
    assert len(mail.outbox) == 3
    with pytest.raises(Conflict):
        services.notice_send(actor=world.supervisor, notice=notice)
    assert NoticeRecipient.objects.filter(notice=notice).count() == 3


class Crash(Exception):
    """The worker dying mid-message (not a mail error: nothing catches it)."""


def test_a_worker_that_dies_mid_batch_leaves_the_rest_for_the_next_run(world, settings, monkeypatch):
    settings.EMAIL_BACKEND = "atiende.core.mail.OutboxBackend"
    notice = draft(world)
    services.notice_send(actor=world.supervisor, notice=notice)  # its batch waits for a commit that never comes
    ids = list(NoticeRecipient.objects.filter(notice=notice).order_by("pk").values_list("pk", flat=True))
    real = OutboxMessage.objects.create
    calls = {"n": 0}

    def dies_on_the_second(**fields):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash()
        return real(**fields)

    monkeypatch.setattr(OutboxMessage.objects, "create", dies_on_the_second)
    with pytest.raises(Crash):
        services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids)
    states = dict(NoticeRecipient.objects.values_list("pk", "state"))
    assert [states[pk] for pk in ids] == ["sent", "pending", "pending"]  # the second's claim rolled back
    monkeypatch.setattr(OutboxMessage.objects, "create", real)
    assert services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids) == 2
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == [
        ["ana@tienda-a.mx"], ["beto@tienda-a.mx"], ["olga@tienda-a.mx"]]


def test_a_failed_address_is_recorded_and_the_others_go_out(world, settings):
    settings.EMAIL_BACKEND = "atiende.notices.tests.failing.RefusesBeto"
    notice = draft(world)
    services.notice_send(actor=world.supervisor, notice=notice)
    ids = list(NoticeRecipient.objects.filter(notice=notice).values_list("pk", flat=True))
    assert services.notice_batch_send(notice_id=notice.pk, recipient_ids=ids) == 2
    failed = NoticeRecipient.objects.get(state=RecipientState.FAILED)
    assert (failed.customer, failed.error) == (world.colleague_a, "550 mailbox unavailable")
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.SENT


def test_only_supervisors_and_admins_write_or_send_notices(world):
    for user in (world.agent1, world.collaborator, world.customer_a.user):
        with pytest.raises(Forbidden):
            services.notice_create(actor=user, subject="x", body="y", language="es", audience="organization",
                                   organization=world.org_a)
    notice = draft(world)
    for user in (world.agent1, world.agent2, world.collaborator, world.customer_a.user):
        with pytest.raises(Forbidden):
            services.notice_send(actor=user, notice=notice)
        with pytest.raises(Forbidden):
            services.notice_test_send(actor=user, notice=notice)
    assert not NoticeRecipient.objects.exists() and mail.outbox == []
    assert services.notice_send(actor=world.admin, notice=notice) == 3


def test_the_send_is_audited(world):
    notice = draft(world)
    services.notice_send(actor=world.admin, notice=notice)
    entry = AuditEntry.objects.get(action="notice.sent")
    assert entry.actor == world.admin
    assert entry.after == {"audience": "organization", "essential": False, "recipients": 3, "queued": 3, "skipped": 0}


def test_preview_and_test_send_are_for_one_sample_recipient(world, settings):
    settings.LANGUAGE_CODE = "en"
    customer_create(name="Abel Sin Correo", identities={"phone": "+525511112222"}, organization=world.org_a)
    with pytest.raises(Invalid) as refused:
        draft(world, body="Hola {{ ticket.subject }}")
    assert refused.value.fields == {"body": "Unknown variable or tag: ticket.subject."}
    world.customer_a.preferred_name = "Anita"
    world.customer_a.save()
    notice = draft(world, subject="Aviso para {{ customer.name }}", language="en",  # "[Test] " in English
                   body="Hola, {{ customer.greeting_name }}, de {{ organization.name }}.")
    preview = notice_preview(user=world.supervisor, notice=notice)
    assert (preview.sample.name, preview.subject, preview.body) == (
        "Abel Sin Correo", "Aviso para Abel Sin Correo", "Hola, Abel, de Tienda A.")
    count = audience_count(notice)
    assert (count.customers, count.reachable, count.no_address, count.unsubscribed) == (4, 3, 1, 0)
    assert services.notice_test_send(actor=world.supervisor, notice=notice) == "super@example.mx"
    assert [(m.to, m.subject) for m in mail.outbox] == [(["super@example.mx"], "[Test] Aviso para Abel Sin Correo")]
    assert not NoticeRecipient.objects.exists()
    world.customer_a.organization = None
    notice = services.notice_update(actor=world.admin, notice=notice, changes={
        "audience": "segment", "segment": "pyme"})
    assert (notice.organization, notice.segment) == (None, "pyme")


def test_the_audience_of_a_product_is_its_owners_and_their_organizations(world):
    from datetime import date

    from atiende.assets.services import asset_create, product_create

    modem = product_create(actor=world.admin, name="Módem X2", kind="device", warranty_months=12)
    other = product_create(actor=world.admin, name="Dominio .mx", kind="domain")
    mine = asset_create(actor=world.admin, product=modem, customer=world.customer_b, identifier="SN-1",
                        purchased_on=date(2026, 1, 5))
    asset_create(actor=world.admin, product=modem, organization=world.org_a, identifier="SN-2",
                 purchased_on=date(2026, 1, 5))
    asset_create(actor=world.admin, product=other, customer=world.colleague_a, identifier="tienda-a.mx",
                 purchased_on=date(2026, 1, 5))
    from atiende.notices.selectors import audience_customers

    by_product = draft(world, audience="product", product=modem, organization=None)
    assert set(audience_customers(by_product)) == {world.customer_b, world.customer_a, world.colleague_a,
                                                   world.org_admin_a}
    by_asset = draft(world, audience="asset", asset=mine, organization=None)
    assert list(audience_customers(by_asset)) == [world.customer_b]
    with pytest.raises(Invalid) as refused:
        draft(world, audience="plan", organization=None)
    assert list(refused.value.fields) == ["plan"]


def test_each_customer_page_shows_the_notices_sent_to_them(world, django_capture_on_commit_callbacks):
    notice = draft(world, subject="Nuevo horario de atención")
    send(notice, world.supervisor, django_capture_on_commit_callbacks)
    page = Client()
    page.force_login(world.agent1)
    box = page.get(f"/bandeja/clientes/{world.customer_a.pk}/avisos/")
    assert box.status_code == 200
    assert "Nuevo horario de atención" in box.content.decode() and "ana@tienda-a.mx" in box.content.decode()
    assert f"/bandeja/clientes/{world.customer_a.pk}/avisos/" in page.get(f"/clientes/{world.customer_a.pk}/").content.decode()


def test_resume_queues_what_a_lost_batch_left_and_only_once_it_is_late(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from atiende.core import clock

    notice = draft(world)
    services.notice_send(actor=world.supervisor, notice=notice)  # its batch is lost: the commit never comes
    assert services.notices_resume() == 0  # not late yet
    with clock.frozen_at(clock.now() + timedelta(minutes=16)), django_capture_on_commit_callbacks(execute=True):
        assert services.notices_resume() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@tienda-a.mx", "beto@tienda-a.mx", "olga@tienda-a.mx"]
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.SENT
    with clock.frozen_at(clock.now() + timedelta(minutes=60)):
        assert services.notices_resume() == 0
