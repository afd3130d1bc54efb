from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atiende.settings.env import parse_email_url

ROOT = Path(__file__).resolve().parents[3]


def run_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ATIENDE_ENV", "DJANGO_SETTINGS_MODULE", "REDIS_URL",
                                                          "ATIENDE_ENCRYPTION_KEY"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="atiende.settings.base")
    return subprocess.run([sys.executable, "-m", "atiende.cli", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"DEBUG": "true", "SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@h/db"}, "DEBUG is on"),
        ({"DATABASE_URL": "postgres://u@h/db"}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "x" * 50}, "the database is SQLite"),
        ({"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@h/db"}, "REDIS_URL is not set"),
    ],
)
def test_production_refuses_unsafe_settings_with_a_clear_message(env, reason, tmp_path):
    result = run_check(ATIENDE_ENV="production", ATIENDE_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "refuses to start with ATIENDE_ENV=production" in result.stderr
    assert reason in result.stderr


def test_production_starts_when_safe(tmp_path):
    # `check` without --database does not connect, so any PostgreSQL URL will do.
    url = "postgres://atiende@db.invalid:5432/atiende"
    key = "K" * 43 + "="  # a well-formed Fernet key (32 bytes, url-safe base64)
    result = run_check(ATIENDE_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL=url, ATIENDE_ENCRYPTION_KEY=key,
                       REDIS_URL="redis://cache.invalid:6379/0", ATIENDE_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("value", "message"), [
    ("0", "GRACEFUL_TIMEOUT must be 1 second or more."),
    ("soon", "GRACEFUL_TIMEOUT must be a whole number, not 'soon'."),
])
def test_a_bad_graceful_timeout_stops_the_start_with_a_clear_message(value, message, tmp_path):
    result = run_check(GRACEFUL_TIMEOUT=value, ATIENDE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert message in result.stderr


def test_email_url_parsing():
    plain = parse_email_url("smtp://user%40x.mx:p%3Ass@mail.example.mx:2525")
    assert (plain.host, plain.port, plain.user, plain.password, plain.use_tls, plain.use_ssl) == (
        "mail.example.mx", 2525, "user@x.mx", "p:ss", False, False)
    tls = parse_email_url("smtp+tls://a:b@smtp.example.mx")
    assert (tls.port, tls.use_tls) == (587, True)
    assert parse_email_url("smtps://a:b@smtp.example.mx").port == 465
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        parse_email_url("http://example.mx")


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_checks_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


@pytest.mark.django_db
def test_readyz_checks_redis_when_configured(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/readyz").json()["checks"] == {"database": "ok", "redis": "ok"}
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unreachable"


def test_outbox_backend_keeps_mail(db, settings):
    from django.core.mail import send_mail

    from atiende.core.models import OutboxMessage

    settings.EMAIL_BACKEND = "atiende.core.mail.OutboxBackend"
    send_mail("Asunto", "Cuerpo", "soporte@example.mx", ["cliente@example.mx"])
    kept = OutboxMessage.objects.get()
    assert (kept.subject, kept.to, kept.body) == ("Asunto", ["cliente@example.mx"], "Cuerpo")
    assert "Subject: Asunto" in kept.raw


def test_the_innermost_middleware_is_sync_only():
    """Under ASGI, Django runs each middleware in the mode of the one below it; with a sync-only
    middleware innermost the whole chain runs in one thread, instead of Django's own middleware
    hopping threads for each of their methods (settings.MIDDLEWARE)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    innermost = import_string(settings.MIDDLEWARE[-1])
    assert getattr(innermost, "async_capable", False) is False
    assert getattr(innermost, "sync_capable", True) is True


def test_a_worker_loads_every_view_at_start_up_and_freezes_them():
    """Not on its first request, where the requests of a busy start all waited for the import;
    and before gc.freeze(), so that the collector never rescans the views' objects (atiende.asgi).
    The collector then waits for 10,000 new objects, not CPython's 700 (performance.md)."""
    code = ("import gc, sys; import atiende.asgi; loaded = 'atiende.workspace.views' in sys.modules; "
            "from django.urls import get_resolver; patterns = get_resolver().url_patterns; "
            "print(loaded, any(o is patterns for o in gc.get_objects()), gc.get_threshold()[0])")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "atiende.settings.test"},
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "False", "10000"], result.stderr[-2000:]
