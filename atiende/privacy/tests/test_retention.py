"""Retention rules: the dry run changes nothing; a rule removes exactly what is past its limit
(boundaries pinned with core.clock); files leave storage after commit; statistics stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from atiende.chat.models import ChatSession
from atiende.chat.services import session_start, site_create
from atiende.chat.services.visitors import session_end
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.models import AuditEntry
from atiende.core.retention import KINDS
from atiende.mail.models import InboundMessage, QuarantinedMessage
from atiende.metrics.models import MetricEvent
from atiende.privacy.models import RetentionRule
from atiende.privacy.selectors import retention_preview
from atiende.privacy.services import retention_apply, retention_rules_set
from atiende.search.models import Document
from atiende.tickets.channels import original_exists
from atiende.tickets.models import Attachment, Message, Ticket
from atiende.tickets.services import message_create, ticket_create, ticket_update
from atiende.tickets.services.retention import REDACTED

T0 = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the command's output and the system actor's name as their English msgids."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def closed_ticket(world, *, closed_at: datetime, text: str = "Mi RFC es XAXX010101000") -> Ticket:
    with clock.frozen_at(closed_at - timedelta(days=2)):
        ticket = ticket_create(actor=world.customer_a.user, subject="Factura de marzo", body=text,
                               uploads=[SimpleUploadedFile("factura.pdf", b"%PDF-1.4 factura")])
        message_create(actor=world.admin, ticket=ticket, body="Con gusto, ya quedó corregida.")
    with clock.frozen_at(closed_at):
        ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.closed_at == closed_at
    return ticket


def rules(world, **kinds):
    retention_rules_set(actor=world.admin, rules={key: {"enabled": True, "amount": amount, "unit": unit}
                                                  for key, (amount, unit) in kinds.items()})


def snapshot():
    return (list(Attachment.objects.order_by("pk").values_list("pk", "file")),
            list(Message.objects.order_by("pk").values_list("pk", "body_text", "body_html")),
            AuditEntry.objects.count(), list(InboundMessage.objects.values_list("pk", "raw")))


def test_every_kind_the_issue_names_is_registered():
    assert {"ticket_attachments", "ticket_messages", "email_originals", "email_quarantine", "chat_anonymous",
            "audit_log"} <= set(KINDS)


def test_no_rule_means_nothing_is_removed(world):
    closed_ticket(world, closed_at=T0)
    before = snapshot()
    with clock.frozen_at(NOW):
        report = retention_apply()
    assert report.kinds == [] and snapshot() == before


def test_the_dry_run_counts_and_shows_examples_and_changes_nothing(world):
    old = closed_ticket(world, closed_at=T0)
    closed_ticket(world, closed_at=NOW - timedelta(days=10))
    rules(world, ticket_attachments=(2, "years"), ticket_messages=(2, "years"))
    before = snapshot()
    with clock.frozen_at(NOW):
        report = retention_preview(user=world.admin)
    assert report.dry_run and snapshot() == before
    counts = {row.key: row.count for row in report.kinds}
    assert counts == {"ticket_attachments": 1, "ticket_messages": 2}
    assert report.kinds[0].examples == [f"#{old.number} · 16 B · 2021-02-27"]
    assert "XAXX" not in " ".join(e for row in report.kinds for e in row.examples)


def test_the_command_line_dry_run_changes_nothing(world):
    closed_ticket(world, closed_at=T0)
    rules(world, ticket_attachments=(1, "years"))
    before = snapshot()
    out = StringIO()
    with clock.frozen_at(NOW):
        call_command("retention", "--dry-run", stdout=out)
    assert snapshot() == before
    assert ": 1 would be removed" in out.getvalue() and "Dry run" in out.getvalue()


def test_attachments_exactly_past_the_limit_go_and_their_files_leave_storage(world, django_capture_on_commit_callbacks):
    limit = NOW.replace(year=NOW.year - 3)  # 3 calendar years before NOW
    past = closed_ticket(world, closed_at=limit - timedelta(seconds=1))
    at_limit = closed_ticket(world, closed_at=limit)
    open_ticket = world.ticket_a
    with clock.frozen_at(T0):
        message_create(actor=world.admin, ticket=open_ticket, body="Adjunto",
                       uploads=[SimpleUploadedFile("abierto.pdf", b"%PDF-1.4 abierto")])
    gone = Attachment.objects.get(message__ticket=past)
    kept = {a.pk: a.file.name for a in Attachment.objects.exclude(pk=gone.pk)}
    assert default_storage.exists(gone.file.name)
    rules(world, ticket_attachments=(3, "years"))
    events = MetricEvent.objects.count()
    with clock.frozen_at(NOW), django_capture_on_commit_callbacks() as callbacks:
        report = retention_apply()
    assert [(row.key, row.count) for row in report.kinds] == [("ticket_attachments", 1)]
    assert not Attachment.objects.filter(pk=gone.pk).exists()
    assert default_storage.exists(gone.file.name)  # the file waits for the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(gone.file.name)
    assert {a.pk: a.file.name for a in Attachment.objects.all()} == kept
    assert all(default_storage.exists(name) for name in kept.values())
    assert Ticket.objects.filter(pk__in=[past.pk, at_limit.pk]).count() == 2
    assert MetricEvent.objects.count() == events  # statistics stay
    entry = AuditEntry.objects.get(action="retention.applied")
    assert entry.after["ticket_attachments"]["removed"] == 1 and entry.actor_label.startswith("Retention rules")
    with clock.frozen_at(NOW):  # idempotent: a second pass finds nothing
        assert retention_apply().total == 0
    assert AuditEntry.objects.filter(action="retention.applied").count() == 1


def test_message_texts_are_anonymised_and_statistics_and_tickets_stay(world):
    past = closed_ticket(world, closed_at=NOW - timedelta(days=366))
    recent = closed_ticket(world, closed_at=NOW - timedelta(days=364))
    rules(world, ticket_messages=(365, "days"))
    events = list(MetricEvent.objects.order_by("pk").values_list("pk", "kind", "calendar_seconds"))
    assert Document.objects.filter(object_id=past.pk, body__contains="XAXX").exists()
    with clock.frozen_at(NOW):
        report = retention_apply(batch=1)  # one message per transaction
    assert report.kinds[0].count == 2
    assert set(Message.objects.filter(ticket=past).values_list("body_text", flat=True)) == {REDACTED}
    assert not Message.objects.filter(ticket=recent, body_text=REDACTED).exists()
    assert Message.objects.filter(ticket=past).count() == 2
    assert list(MetricEvent.objects.order_by("pk").values_list("pk", "kind", "calendar_seconds")) == events
    assert not Document.objects.filter(object_id=past.pk, body__contains="XAXX").exists()  # search forgot it
    assert Document.objects.filter(object_id=recent.pk, body__contains="XAXX").exists()


def test_email_originals_and_quarantine_past_the_limit_are_deleted(world, django_capture_on_commit_callbacks):
    def original(name: str, at: datetime, message=None) -> InboundMessage:
        record = InboundMessage(key=name, source="imap", kind="new", received_at=at, message=message)
        record.raw.save(name, ContentFile(b"From: a@b.mx\r\n\r\nhola"), save=False)
        record.save()
        return record

    first = Message.objects.filter(ticket=world.ticket_a).order_by("pk").first()
    old, young = original("viejo", NOW - timedelta(days=31), first), original("nuevo", NOW - timedelta(days=29))
    assert Message.objects.annotate(shown=original_exists()).get(pk=first.pk).shown
    boundary = original("justo", NOW - timedelta(days=30))
    held = QuarantinedMessage(code="too_large", reason="x", source="imap", size=3, created_at=NOW - timedelta(days=40))
    held.raw.save("q", ContentFile(b"abc"), save=False)
    held.save()
    old_name, held_name = old.raw.name, held.raw.name
    rules(world, email_originals=(30, "days"), email_quarantine=(30, "days"))
    with clock.frozen_at(NOW), django_capture_on_commit_callbacks(execute=True):
        report = retention_apply()
    assert {row.key: row.count for row in report.kinds} == {"email_originals": 1, "email_quarantine": 1}
    old.refresh_from_db()
    assert old.raw.name == "" and not default_storage.exists(old_name)
    assert InboundMessage.objects.filter(pk=old.pk).exists()  # the row stays: it still threads replies
    assert not Message.objects.annotate(shown=original_exists()).get(pk=first.pk).shown  # no "show original" link
    assert all(default_storage.exists(r.raw.name) for r in (young, boundary))
    assert not QuarantinedMessage.objects.exists() and not default_storage.exists(held_name)


def test_ended_anonymous_chats_are_anonymised_and_chats_still_open_are_not(world):
    site = site_create(name="Chat", allowed_origins=["https://tienda.example"], team=world.team1)
    with clock.frozen_at(T0):
        anonymous = session_start(site=site, origin="https://tienda.example", name="Vera", email="vera@correo.example",
                                  question="Mi número es 55 1234 5678", page_url="https://tienda.example/pago").session
        session_end(session=anonymous)
    ended = ChatSession.objects.get(pk=anonymous.pk)
    with clock.frozen_at(T0):
        other = session_start(site=site, origin="https://tienda.example", name="Iris", email="iris@correo.example",
                              question="Sigo esperando").session
    rules(world, chat_anonymous=(30, "days"))
    with clock.frozen_at(NOW):
        assert retention_preview(user=world.admin).kinds[0].count == 1  # the second never ended
        retention_apply()
    ended.refresh_from_db()
    assert (ended.name, ended.email, ended.page_url) == ("", "", "")
    assert set(Message.objects.filter(ticket=ended.ticket).values_list("body_text", flat=True)) == {REDACTED}
    other.refresh_from_db()
    assert other.name == "Iris"
    with clock.frozen_at(NOW):
        assert retention_preview(user=world.admin).kinds[0].count == 0


def test_old_audit_entries_go_and_the_removal_is_itself_audited(world):
    with clock.frozen_at(T0):
        old = audit_record("data.exported", actor=world.admin, after={"n": 1})
    with clock.frozen_at(NOW - timedelta(days=10)):
        recent = audit_record("data.exported", actor=world.admin, after={"n": 2})
    with pytest.raises(PermissionError):  # still append-only through the product
        AuditEntry.objects.filter(pk=old.pk).delete()
    rules(world, audit_log=(1, "years"))
    with clock.frozen_at(NOW):
        retention_apply()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action="retention.rules_changed").exists()
    assert AuditEntry.objects.get(action="retention.applied").after["audit_log"]["removed"] >= 1


def test_only_admins_set_rules_or_see_the_dry_run_and_bad_values_are_refused(world):
    from atiende.core.exceptions import Invalid, NotFound

    for user in (world.supervisor, world.agent1, world.customer_a.user):
        with pytest.raises(NotFound):
            retention_rules_set(actor=user, rules={"audit_log": {"enabled": True, "amount": 1, "unit": "days"}})
        with pytest.raises(NotFound):
            retention_preview(user=user)
    for values in ({"enabled": True, "amount": 0, "unit": "days"}, {"enabled": True, "amount": 101, "unit": "years"},
                   {"enabled": True, "amount": 1, "unit": "weeks"}):
        with pytest.raises(Invalid):
            retention_rules_set(actor=world.admin, rules={"audit_log": values})
    with pytest.raises(Invalid):
        retention_rules_set(actor=world.admin, rules={"everything": {"enabled": True, "amount": 1}})
    assert not RetentionRule.objects.exists()


def test_the_scheduler_runs_the_pass_through_the_beat_guard(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.retention" and settings.CELERY_BEAT_SCHEDULER.endswith("OncePerPeriodScheduler")
    from atiende.privacy import tasks

    assert tasks.retention.name == "privacy.retention"
