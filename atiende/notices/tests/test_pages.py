"""The workspace's notice pages: compose with a recipient count, the notice page (preview for a
sample recipient, the reply checker's findings, test send, send, progress), and bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from atiende.notices.models import Notice, NoticeRecipient, NoticeState

FORM = {"subject": "Cambio de horario", "body": "Hola, {{ customer.greeting_name }}:\n\nTE AVISAMOS PRONTO.",
        "language": "es", "audience": "organization"}


@pytest.fixture
def page(world, settings) -> Client:
    settings.LANGUAGE_CODE = "en"  # the supervisor has no language of their own: the pages follow this
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.supervisor)
    return client


def test_compose_count_preview_check_test_and_send(world, page, django_capture_on_commit_callbacks):
    form = {**FORM, "organization": world.org_a.pk}
    counted = page.post("/bandeja/avisos/nuevo/", {**form, "action": "count"})
    assert counted.status_code == 200 and not Notice.objects.exists()
    assert "3 customers in this audience." in counted.content.decode()
    saved = page.post("/bandeja/avisos/nuevo/", {**form, "action": "save"})
    notice = Notice.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/bandeja/avisos/{notice.pk}/"
    shown = page.get(saved["Location"]).content.decode()
    assert "Hola, Ana:" in shown  # the preview, as Ana Cliente (first by name) reads it
    assert 'data-code="all_caps"' in shown and 'data-code="vague_time"' in shown  # the reply checker's findings
    assert "Send to 3 customers" in shown
    tested = page.post(f"/bandeja/avisos/{notice.pk}/prueba/")
    assert tested.status_code == 302 and [m.to for m in mail.outbox] == [["super@example.mx"]]
    with django_capture_on_commit_callbacks(execute=True):
        sent = page.post(f"/bandeja/avisos/{notice.pk}/enviar/")
    assert sent.status_code == 302 and len(mail.outbox) == 4
    progress = page.get(f"/bandeja/avisos/{notice.pk}/").content.decode()
    assert 'id="notice-progress"' in progress and '<dd data-count="sent">3</dd>' in progress
    again = page.post(f"/bandeja/avisos/{notice.pk}/enviar/")
    assert again.status_code == 302 and NoticeRecipient.objects.count() == 3 and len(mail.outbox) == 4
    assert page.post(f"/bandeja/avisos/{notice.pk}/", {**form, "subject": "Otro"}).status_code == 302
    assert Notice.objects.get().subject == "Cambio de horario"  # sent: no longer changes
    listed = page.get("/bandeja/avisos/").content.decode()
    assert "Cambio de horario" in listed and Notice.objects.get().state == NoticeState.SENT


def test_bad_input_is_a_400_with_the_reason_and_nothing_saved(world, page):
    missing = page.post("/bandeja/avisos/nuevo/", {**FORM, "action": "save"})
    assert missing.status_code == 400 and "Choose the organization." in missing.content.decode()
    unknown = page.post("/bandeja/avisos/nuevo/", {**FORM, "organization": world.org_a.pk,
                                                   "body": "Hola {{ ticket.subject }}", "action": "save"})
    assert unknown.status_code == 400 and "Unknown variable or tag: ticket.subject." in unknown.content.decode()
    no_asset = page.post("/bandeja/avisos/nuevo/", {**FORM, "audience": "asset", "asset": "999999", "action": "save"})
    assert no_asset.status_code == 400 and "No asset has this number." in no_asset.content.decode()
    assert not Notice.objects.exists()


def test_agents_and_customers_cannot_reach_the_pages(world):
    for user in (world.agent1, world.collaborator, world.customer_a.user):
        client = Client()
        client.force_login(user)
        for path in ("/bandeja/avisos/", "/bandeja/avisos/nuevo/"):
            assert client.get(path).status_code in (302, 404)
        assert client.post("/bandeja/avisos/nuevo/", {**FORM, "organization": world.org_a.pk}).status_code in (302, 404)
    assert not Notice.objects.exists()


def test_the_list_reads_its_counts_in_one_query_whatever_the_number_of_notices(world, page,
                                                                             django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atiende.notices.services import notice_create, notice_send

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page.get("/bandeja/avisos/").status_code == 200
        return len(captured)

    make = lambda n: notice_create(actor=world.admin, subject=f"Aviso {n}", body="Hola.", language="es",  # noqa: E731
                                   audience="organization", organization=world.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        notice_send(actor=world.admin, notice=make(1))
    queries()  # the first request of a session reads what later ones find cached
    one = queries()
    with django_capture_on_commit_callbacks(execute=True):
        for n in (2, 3, 4):
            notice_send(actor=world.admin, notice=make(n))
    assert queries() == one
    assert "<td>3</td><td>0</td><td>0</td>" in page.get("/bandeja/avisos/").content.decode()
