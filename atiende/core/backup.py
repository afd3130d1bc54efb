"""Backups: the database and the stored files in one archive, consistent with each other
(docs/decisions/0042-backups.md).

The database is copied with its engine's own tool, from one snapshot: PostgreSQL's `pg_dump`
with a snapshot exported by a repeatable-read transaction, SQLite's online backup API. The
files referenced by that snapshot are read from the same snapshot, so every one of them is in the
archive (a file deleted meanwhile is reported, never silently missing); files written after the
snapshot may be included too and do no harm. Every member has its SHA-256 in `manifest.json`;
a restore checks them all before it touches anything.

Keys are not in the archive: restore with the same SECRET_KEY and ATIENDE_ENCRYPTION_KEY, or the
encrypted settings (channel tokens) cannot be read and old signed links stop working.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models, transaction

from . import clock

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done; str() says why and what to do."""


@dataclass
class Report:
    path: Path
    engine: str
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)  # referenced by the database, gone from disk
    files_elsewhere: bool = False  # the files live in object storage, not in this archive


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field: what the database says is stored on disk."""
    return [(model._meta.db_table, f.column) for model in apps.get_models()
            for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _referenced(cursor: Any) -> set[str]:
    names: set[str] = set()
    for table, column in _file_columns():
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" <> \'\'')
        names.update(row[0] for row in cursor.fetchall())
    return names


def _pg_command(tool: str, params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [tool, "--no-owner", "--dbname", params["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    env = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} was not found: install the PostgreSQL client tools (Debian: postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_postgres(target: Path) -> set[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        referenced = _referenced(cursor)  # in the same snapshot as the dump
        args, env = _pg_command("pg_dump", connection.settings_dict)
        _run([*args, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)], env)
    return referenced


def _dump_sqlite(target: Path) -> set[str]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _referenced(copy.cursor())
    finally:
        copy.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_root() -> Path | None:
    return Path(settings.MEDIA_ROOT) if isinstance(default_storage, FileSystemStorage) else None


def backup_create(path: Path) -> Report:
    """Write the archive at `path` (a .tar.gz; written beside it, then moved into place)."""
    engine = connection.vendor
    if engine not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
    path = Path(path)
    report = Report(path=path, engine=engine)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS[engine]
        referenced = (_dump_postgres if engine == "postgresql" else _dump_sqlite)(dump)
        root = _media_root()
        report.files_elsewhere = root is None
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root and root.exists() else []
        present = {p.relative_to(root).as_posix() for p in files} if root else set()
        report.missing = sorted(referenced - present)
        manifest = {"format": FORMAT, "created_at": clock.now().isoformat(), "engine": engine,
                    "database": {"name": dump.name, "sha256": _sha256(dump)},
                    "files": {p.relative_to(root).as_posix(): _sha256(p) for p in files},
                    "missing": report.missing}
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(root).as_posix()}")
                report.files += 1
                report.bytes += file.stat().st_size
        os.replace(partial, path)
    return report


def _unpack(path: Path, work: Path) -> dict[str, Any]:
    """Extract the archive (no member may leave `work`) and check every checksum."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
        raise BackupError(f"{path} is not a readable atiende backup ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    expected = {manifest["database"]["name"]: manifest["database"]["sha256"],
                **{f"media/{name}": digest for name, digest in manifest["files"].items()}}
    for name, digest in expected.items():
        member = work / name
        if not member.is_file() or _sha256(member) != digest:
            raise BackupError(f"{path} is damaged: {name} is missing or does not match its checksum. Nothing was restored.")
    return manifest


def install_is_empty() -> bool:
    """No people and no tickets yet (a new install, migrated or not)."""
    from django.contrib.auth import get_user_model

    if get_user_model()._meta.db_table not in connection.introspection.table_names():
        return True
    return not get_user_model().objects.exclude(kind="system").exists()


def backup_restore(path: Path, *, force: bool = False) -> Report:
    """Replace this install's database and files with the backup's. Refused unless the install
    is empty or `force`; stop the web and worker processes first (decision 0042)."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        manifest = _unpack(path, work)
        engine = connection.vendor
        if manifest["engine"] != engine:
            raise BackupError(f"This backup is of a {manifest['engine']} database and this install uses {engine}.")
        if not force and not install_is_empty():
            raise BackupError("This install already has people or tickets. Restore into an empty install, "
                              "or pass --force to replace everything in it.")
        dump = work / manifest["database"]["name"]
        params = dict(connection.settings_dict)
        connection.close()
        if engine == "postgresql":
            args, env = _pg_command("pg_restore", params)
            _run([*args, "--clean", "--if-exists", "--single-transaction", str(dump)], env)
        else:
            target = Path(params["NAME"])
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(dump, staged)
            for journal in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                journal.unlink(missing_ok=True)  # an old write-ahead log must not be replayed onto the copy
            os.replace(staged, target)
        report = Report(path=path, engine=engine, missing=list(manifest.get("missing", [])))
        root = _media_root()
        for name in manifest["files"]:
            if root is None:
                break
            destination = root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / name, destination)
            report.files += 1
            report.bytes += destination.stat().st_size
    return report
