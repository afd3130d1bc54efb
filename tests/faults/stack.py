"""A real install for the fault and scale-out tests: its own PostgreSQL database (migrated, with
an admin and an API token), `atiende serve` processes started on free ports, and small HTTP
helpers that never hide a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ATIENDE = [sys.executable, "-m", "atiende.cli"]
PG = os.environ.get("FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True, timeout=60)


def call(url: str, *, method: str = "GET", token: str = "", body: dict | None = None,
          headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read()
        assert b"Traceback" not in text, text[:500]
        return error.code, json.loads(text) if text.startswith(b"{") else {"raw": text[:200].decode(errors="replace")}


def wait_for(url: str, status: int = 200, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if call(url)[0] == status:
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")




PASSWORD = "x" * 12


def make_install(data: Path) -> tuple[str, dict, str]:
    """A new database with an admin (fallas@example.mx) and their API token: (name, env, token)."""
    try:
        psql("SELECT 1")
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"PostgreSQL is needed for these tests: {exc}") from exc
        pytest.skip("PostgreSQL not reachable")
    name = f"atiende_faults_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"')
    base = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    base.update(ATIENDE_DATA_DIR=str(data), SECRET_KEY="f" * 50, DJANGO_SETTINGS_MODULE="atiende.settings.base")
    direct = {**base, "DATABASE_URL": f"{PG}/{name}"}
    subprocess.run([*ATIENDE, "migrate", "--noinput"], env=direct, check=True, capture_output=True, timeout=600)
    made = subprocess.run([*ATIENDE, "shell", "-c", (
        "from atiende.accounts.services import agent_create, token_issue;"
        f"print(token_issue(user=agent_create(email='fallas@example.mx', name='Fallas', role='admin', password='{PASSWORD}')))")],
        env=direct, check=True, capture_output=True, text=True, timeout=120)
    return name, base, made.stdout.strip().splitlines()[-1]


ROLE_TOKENS = (
    "from atiende.accounts.services import agent_create, token_issue;"
    "from atiende.customers.services import customer_create, organization_create;"
    "import json;"
    "org = organization_create(actor=None, name='Fuzz SA', segment='pyme');"
    "customer = customer_create(name='Cliente Fuzz', identities={'email': 'cliente.fuzz@example.mx'}, organization=org, "
    f"is_organization_admin=True, password='{PASSWORD}');"
    "print(json.dumps({'supervisor': token_issue(user=agent_create(email='super@example.mx', name='Super', role='supervisor', "
    f"password='{PASSWORD}')), 'agent': token_issue(user=agent_create(email='agente@example.mx', name='Agente', role='agent', "
    f"password='{PASSWORD}')), 'customer': token_issue(user=customer.user)}}))"
)


def role_tokens(name: str, base: dict) -> dict[str, str]:
    """A supervisor, an agent and an organization admin customer in the install, with API tokens."""
    made = subprocess.run([*ATIENDE, "shell", "-c", ROLE_TOKENS], env={**base, "DATABASE_URL": f"{PG}/{name}"},
                          check=True, capture_output=True, text=True, timeout=120)
    return json.loads(made.stdout.strip().splitlines()[-1])


def drop_install(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve(env: dict, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([*ATIENDE, "serve", "--port", str(port), "--workers", str(workers), "--no-collectstatic"],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(Path(env["ATIENDE_DATA_DIR"]) / f"serve-{port}.log", "w"),
                              start_new_session=True)  # the server's own log, to read when a test fails
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/readyz", seconds=120)
    return server, url


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
