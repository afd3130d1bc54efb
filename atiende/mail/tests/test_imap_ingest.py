"""IMAP mailboxes into tickets against the real Dovecot: each message once, none lost, even when
the worker dies between fetching a message and flagging it seen."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from atiende.core.models import OutboxMessage
from atiende.mail import polling
from atiende.mail.models import InboundMessage, Mailbox
from atiende.mail.polling import mailbox_poll, mailboxes_poll
from atiende.mail.services import Outcome
from atiende.mail.tasks import poll_mailboxes
from atiende.tickets.models import Ticket

from .servers import DovecotServer, free_port

REPO = Path(__file__).resolve().parents[3]
PASSWORD_ENV = "ATIENDE_TEST_IMAP_PASSWORD"


def message(number: int, *, reply_to: int | None = None) -> bytes:
    threading = f"In-Reply-To: <{reply_to}@tienda-a.mx>\r\n" if reply_to else ""
    subject = f"Re: Pedido {reply_to}" if reply_to else f"Pedido {number}"
    return (
        f"From: Ana <ana@tienda-a.mx>\r\nTo: soporte@nopal.mx\r\nMessage-ID: <{number}@tienda-a.mx>\r\n"
        f"{threading}Subject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + f"¿Dónde está mi pedido {number}?\r\n".encode()


def seen(dovecot: DovecotServer, folder: str) -> dict[int, bool]:
    with dovecot.connect() as client:
        client.select_folder(folder, readonly=True)
        return {uid: b"\\Seen" in flags for uid, flags in client.get_flags(client.search(["ALL"])).items()}


@pytest.fixture
def imap_env(dovecot, monkeypatch) -> dict[str, str]:
    """The environment a worker needs for the test mailbox: its password and the test CA."""
    values = {PASSWORD_ENV: dovecot.password, "SSL_CERT_FILE": dovecot.ca_file}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def mailbox_row(dovecot, imap_folder, imap_env) -> Mailbox:
    return Mailbox.objects.create(
        name=f"Soporte {imap_folder}", address="soporte@nopal.mx", host=dovecot.host, port=dovecot.port,
        security="ssl", username=dovecot.user, password_env=PASSWORD_ENV, folder=imap_folder,
    )


@pytest.mark.django_db
def test_unseen_messages_become_tickets_and_replies_then_are_seen(dovecot, imap_folder, mailbox_row):
    old = dovecot.append(imap_folder, message(9), flags=(b"\\Seen",))  # read by someone before us
    first, reply = dovecot.append(imap_folder, message(1)), dovecot.append(imap_folder, message(2, reply_to=1))

    report = mailbox_poll(mailbox=mailbox_row)
    again = mailbox_poll(mailbox=mailbox_row)

    assert (dict(report.outcomes), report.failed, report.error) == ({Outcome.NEW_TICKET: 1, Outcome.REPLY: 1}, 0, "")
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.messages.count()) == ("Pedido 1", 2)
    assert seen(dovecot, imap_folder) == {old: True, first: True, reply: True}
    record = InboundMessage.objects.get(key="1@tienda-a.mx")
    assert (record.source, record.mailbox, record.ticket) == ("imap", mailbox_row, ticket)
    assert dict(again.outcomes) == {}
    assert (Ticket.objects.count(), InboundMessage.objects.count()) == (1, 2)
    mailbox_row.refresh_from_db()
    assert mailbox_row.last_polled_at is not None and mailbox_row.last_error == ""


@pytest.mark.django_db
def test_a_message_already_imported_from_a_file_is_only_marked_seen(dovecot, imap_folder, mailbox_row, tmp_path):
    (tmp_path / "1.eml").write_bytes(message(1))
    call_command("mail", "ingest", str(tmp_path / "1.eml"), stdout=io.StringIO())
    uid = dovecot.append(imap_folder, message(1))

    report = mailbox_poll(mailbox=mailbox_row)

    assert dict(report.outcomes) == {Outcome.DUPLICATE: 1}
    assert seen(dovecot, imap_folder) == {uid: True}
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_backlog_larger_than_a_batch_is_read_in_one_run(dovecot, imap_folder, mailbox_row):
    for number in range(1, 6):
        dovecot.append(imap_folder, message(number))

    report = mailbox_poll(mailbox=mailbox_row, batch=2)

    assert (dict(report.outcomes), report.more) == ({Outcome.NEW_TICKET: 5}, False)
    assert all(seen(dovecot, imap_folder).values())


@pytest.mark.django_db
def test_a_message_whose_ingestion_fails_stays_unseen_and_is_taken_next_time(
    dovecot, imap_folder, mailbox_row, monkeypatch
):
    uids = [dovecot.append(imap_folder, message(number)) for number in (1, 2)]
    real_ingest = polling.ingest

    def database_hiccup(raw: bytes, **kwargs):
        if b"<1@" in raw:
            raise RuntimeError("could not serialize access")
        return real_ingest(raw, **kwargs)

    with monkeypatch.context() as patch, translation.override("en"):
        patch.setattr(polling, "ingest", database_hiccup)  # we cannot make the database fail here
        report = mailbox_poll(mailbox=mailbox_row)
    unseen_after_failure = seen(dovecot, imap_folder)
    error_after_failure = Mailbox.objects.get().last_error
    retried = mailbox_poll(mailbox=mailbox_row)

    assert (dict(report.outcomes), report.failed) == ({Outcome.NEW_TICKET: 1}, 1)
    assert unseen_after_failure == {uids[0]: False, uids[1]: True}
    assert error_after_failure == (
        "1 message could not be taken in and stays unread for the next poll: could not serialize access")
    assert dict(retried.outcomes) == {Outcome.NEW_TICKET: 1}
    assert Ticket.objects.count() == 2
    mailbox_row.refresh_from_db()
    assert mailbox_row.last_error == ""


@pytest.mark.django_db
def test_a_missing_password_variable_is_recorded_on_the_mailbox(mailbox_row, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV)

    with translation.override("en"):
        report = mailbox_poll(mailbox=mailbox_row)

    message_text = (f"The environment variable {PASSWORD_ENV}, which should hold the password of this "
                    "mailbox, is not set.")
    assert (report.error_code, report.error) == ("password_missing", message_text)
    mailbox_row.refresh_from_db()
    assert (mailbox_row.last_error, mailbox_row.last_polled_at) == (message_text, None)


@pytest.mark.django_db
def test_one_broken_mailbox_does_not_stop_the_others(dovecot, imap_folder, mailbox_row):
    broken = Mailbox.objects.create(
        name="Ventas", address="ventas@nopal.mx", host=dovecot.host, port=free_port(),
        username="ventas", password_env=PASSWORD_ENV,
    )
    Mailbox.objects.create(name="Apagado", address="viejo@nopal.mx", host="imap.invalid", username="x",
                           password_env="NO_EXISTE", active=False)
    uid = dovecot.append(imap_folder, message(1))

    with translation.override("en"):
        reports = mailboxes_poll()

    assert [(r.mailbox_id, r.error_code) for r in reports] == [(mailbox_row.pk, ""), (broken.pk, "connection_failed")]
    assert seen(dovecot, imap_folder) == {uid: True}
    broken.refresh_from_db()
    assert broken.last_error == f"Could not connect to the mail server 127.0.0.1:{broken.port}: Connection refused"
    assert Mailbox.objects.get(name="Apagado").last_error == ""


@pytest.mark.django_db
def test_the_scheduled_task_and_the_command_poll_every_active_mailbox(dovecot, imap_folder, mailbox_row):
    dovecot.append(imap_folder, message(1))
    assert poll_mailboxes.apply().get() == {"mailboxes": 1, "failed": 0, "messages": 1}
    dovecot.append(imap_folder, message(2))
    out = io.StringIO()

    with translation.override("en"):
        call_command("mail", "poll", stdout=out)

    assert out.getvalue().splitlines() == [
        f"{mailbox_row.name}:", "  New tickets: 1", "  Replies: 0", "  Duplicates skipped: 0",
        "  Automatic mail recorded: 0", "  Quarantined: 0",
    ]
    with translation.override("en"), pytest.raises(CommandError, match="There is no mailbox named Nadie"):
        call_command("mail", "poll", "--mailbox", "Nadie", stdout=io.StringIO())


@pytest.mark.django_db
def test_an_admin_can_read_a_mailbox_now(dovecot, imap_folder, mailbox_row):
    from django.test import Client

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create

    admin = agent_create(email="admin@nopal.mx", name="Ada Admin", role=Role.ADMIN, language="en")
    browser = Client()
    browser.force_login(admin, backend="atiende.accounts.backends.EmailBackend")
    dovecot.append(imap_folder, message(1))

    response = browser.post("/admin/mail/mailbox/", {"action": "poll_now", "_selected_action": [mailbox_row.pk]},
                            follow=True)

    assert [str(note) for note in response.context["messages"]] == [f"{mailbox_row.name}: 1 message taken in."]
    assert Ticket.objects.count() == 1


# --- a worker killed between fetch and commit (a separate process sharing the test database) ---

# Runs the real mailbox_poll; only ingest is wrapped so the process dies at the chosen moment.
DYING_WORKER = """
import os, sys
import django
django.setup()
from atiende.mail import polling
from atiende.mail.models import Mailbox

mailbox_id, when = int(sys.argv[1]), sys.argv[2]
real_ingest = polling.ingest

def ingest_and_die(raw, **kwargs):
    if when == "before-commit":
        os._exit(9)
    result = real_ingest(raw, **kwargs)  # committed when it returns
    print(result.outcome, result.ticket_id, flush=True)
    os._exit(9)  # before poll flags the message \\Seen

polling.ingest = ingest_and_die
polling.mailbox_poll(mailbox=Mailbox.objects.get(pk=mailbox_id))
"""


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def run_dying_worker(mailbox: Mailbox, when: str, env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    child_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "atiende.settings.base",
                 "DATABASE_URL": _database_url(), "ATIENDE_DATA_DIR": str(data_dir)}
    for name in ("REDIS_URL", "EMAIL_URL"):
        child_env.pop(name, None)  # background work in-process, mail to the database outbox
    return subprocess.run([sys.executable, "-c", DYING_WORKER, str(mailbox.pk), when],
                          cwd=REPO, env=child_env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def shared_database():
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the dying worker is another process sharing the test database")
    yield
    connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_after_the_commit_creates_nothing_twice(
    shared_database, dovecot, imap_folder, mailbox_row, imap_env, tmp_path
):
    uid = dovecot.append(imap_folder, message(1))

    died = run_dying_worker(mailbox_row, "after-commit", imap_env, tmp_path)
    ticket = Ticket.objects.get()
    unseen_after_crash = seen(dovecot, imap_folder)
    report = mailbox_poll(mailbox=mailbox_row)

    assert (died.returncode, died.stdout) == (9, f"{Outcome.NEW_TICKET} {ticket.pk}\n"), died.stderr
    assert unseen_after_crash == {uid: False}
    assert dict(report.outcomes) == {Outcome.DUPLICATE: 1}
    assert seen(dovecot, imap_folder) == {uid: True}
    assert (Ticket.objects.count(), ticket.messages.count(), InboundMessage.objects.count()) == (1, 1, 1)
    # The acknowledgement went out once, from the worker that committed the ticket.
    assert (OutboxMessage.objects.filter(subject__contains=ticket.reference).count(), len(mail.outbox)) == (1, 0)
    assert dict(mailbox_poll(mailbox=mailbox_row).outcomes) == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_before_the_commit_loses_nothing(
    shared_database, dovecot, imap_folder, mailbox_row, imap_env, tmp_path
):
    uid = dovecot.append(imap_folder, message(1))

    died = run_dying_worker(mailbox_row, "before-commit", imap_env, tmp_path)
    stored_by_the_dead_worker = InboundMessage.objects.count()
    report = mailbox_poll(mailbox=mailbox_row)

    assert (died.returncode, died.stdout) == (9, ""), died.stderr
    assert stored_by_the_dead_worker == 0
    assert dict(report.outcomes) == {Outcome.NEW_TICKET: 1}
    assert seen(dovecot, imap_folder) == {uid: True}
    assert (Ticket.objects.count(), InboundMessage.objects.count()) == (1, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_watching_takes_new_mail_in_as_it_arrives(dovecot, imap_folder, mailbox_row):
    import threading
    import time

    stopping = threading.Event()
    watcher = threading.Thread(target=polling.mailbox_watch,
                               kwargs={"mailbox": mailbox_row, "stopping": stopping, "idle_seconds": 20})
    watcher.start()
    try:
        time.sleep(1)  # the watcher has polled an empty folder and is waiting in IDLE
        dovecot.append(imap_folder, message(31))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not Ticket.objects.filter(subject="Pedido 31").exists():
            time.sleep(0.1)
        arrived_after = 10 - (deadline - time.monotonic())
    finally:
        stopping.set()
    assert Ticket.objects.filter(subject="Pedido 31").exists()
    assert arrived_after < 5  # IDLE, not the 20-second wait
    dovecot.append(imap_folder, message(32))  # ends the IDLE so the thread sees `stopping`
    watcher.join(timeout=15)
    assert not watcher.is_alive()
