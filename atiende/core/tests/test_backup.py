"""`atiende backup` and `atiende restore`: a backup restored into an empty install holds every
ticket, message and attachment byte for byte, on the engine the suite runs on (SQLite or
PostgreSQL); a damaged archive or a non-empty install is refused before anything changes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from atiende.accounts.services import agent_create
from atiende.tickets.models import Attachment, Message, Ticket
from atiende.tickets.services import message_create, ticket_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump tools read what is committed
ATIENDE = [sys.executable, "-m", "atiende.cli"]


@pytest.fixture
def fresh_install(tmp_path):
    """The environment of a new, empty install: its own data folder and, on PostgreSQL, its own
    empty database (dropped afterwards)."""
    data = tmp_path / "fresh"
    data.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ATIENDE_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="atiende.settings.base", SECRET_KEY="k" * 50)
    params, name = connection.settings_dict, None
    if connection.vendor == "postgresql":
        name = f"atiende_restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@{params.get('HOST') or '127.0.0.1'}"
                               f":{params.get('PORT') or 5432}/{name}")
    yield data, env, name
    if name:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(data: Path, name: str | None, sql: str) -> list[tuple]:
    if name is None:
        with sqlite3.connect(data / "atiende.sqlite3") as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(dbname=name, user=params["USER"], password=params.get("PASSWORD") or "",
                         host=params.get("HOST") or "127.0.0.1", port=params.get("PORT") or 5432) as db:
        return [tuple(row) for row in db.execute(sql).fetchall()]


def _atiende(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ATIENDE, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_a_backup_restored_into_an_empty_install_has_every_ticket_message_and_file(tmp_path, fresh_install):
    agent = agent_create(email="respaldo@example.mx", name="Rita Respaldo", role="admin", password="x" * 12)
    payloads = [bytes(range(256)) * 40, "Factura de diciembre — ñandú".encode(), os.urandom(5000)]
    ticket = ticket_create(actor=agent, subject="Respaldo de prueba", body="Primer mensaje", requester_email="ana@example.mx",
                           uploads=[SimpleUploadedFile("binario.bin", payloads[0])])
    message_create(actor=agent, ticket=ticket, body="Con dos archivos",
                   uploads=[SimpleUploadedFile("factura.txt", payloads[1]), SimpleUploadedFile("azar.dat", payloads[2])])
    archive = tmp_path / "respaldo.tar.gz"
    call_command("backup", str(archive))

    data, env, name = fresh_install
    done = _atiende(env, "restore", str(archive))
    assert done.returncode == 0, done.stderr

    tickets = [(t.number, t.subject) for t in Ticket.objects.order_by("number")]
    assert _rows(data, name, "SELECT number, subject FROM tickets_ticket ORDER BY number") == tickets
    messages = [(m.ticket_id, m.body_text) for m in Message.objects.order_by("id")]
    assert _rows(data, name, "SELECT ticket_id, body_text FROM tickets_message ORDER BY id") == messages
    ours = Attachment.objects.filter(message__ticket=ticket).order_by("id")
    restored = dict(_rows(data, name, f"SELECT id, file FROM tickets_attachment WHERE id IN ({','.join(str(a.pk) for a in ours)})"))
    assert [(data / "media" / restored[a.pk]).read_bytes() for a in ours] == payloads

    again = _atiende(env, "restore", str(archive))
    assert again.returncode != 0 and "already has people or tickets" in again.stderr


def test_a_damaged_archive_is_refused_and_nothing_is_restored(tmp_path, fresh_install):
    agent_create(email="dano@example.mx", name="Dana Daño", role="admin", password="x" * 12)
    archive = tmp_path / "respaldo.tar.gz"
    call_command("backup", str(archive))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as original:
        original.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["database"]["sha256"] = "0" * 64
    (unpacked / "manifest.json").write_text(json.dumps(manifest))
    damaged = tmp_path / "danado.tar.gz"
    with tarfile.open(damaged, "w:gz") as out:
        for member in sorted(unpacked.iterdir()):
            out.add(member, arcname=member.name)

    data, env, name = fresh_install
    done = _atiende(env, "restore", str(damaged))
    assert done.returncode != 0 and "is damaged" in done.stderr
    if name is None:
        assert not (data / "atiende.sqlite3").exists()
    else:
        assert _rows(data, name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
