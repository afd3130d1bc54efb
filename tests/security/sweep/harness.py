"""Sending one request as one role, in-process, and remembering every 5xx by its root cause.

Each request runs inside a savepoint that is rolled back afterwards, with the cache cleared, so
one example never changes what the next one sees (a deleted customer, a used-up throttle, a
logged-out session) and the world stays the same for the whole sweep. A response fails when its
status is 5xx or its body shows a traceback; failures are grouped by exception type and the
innermost frame of our own code, keeping the shortest request that reproduces each.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from atiende.accounts.services import token_issue

# Hypothesis draws the first entries most often while it starts: the roles that reach deepest first.
ROLES = ("admin", "agent", "customer", "supervisor", "org_admin", "collaborator", "anonymous")
TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b"Traceback (innermost last)")
ROOT = Path(__file__).resolve().parents[3]


def sweep_examples(default: int) -> int:
    """Examples per operation: ATIENDE_SWEEP_EXAMPLES runs it deeper (or shallower) locally."""
    return int(os.environ.get("ATIENDE_SWEEP_EXAMPLES", default))


def role_users(world) -> dict[str, object]:
    return {
        "anonymous": None, "customer": world.customer_a.user, "org_admin": world.org_admin_a.user,
        "agent": world.agent1, "collaborator": world.collaborator, "supervisor": world.supervisor,
        "admin": world.admin,
    }


@dataclass
class Sent:
    role: str
    method: str
    path: str
    query: str = ""
    content_type: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self, limit: int = 400) -> str:
        text = f"[{self.role}] {self.method} {self.path}" + (f"?{self.query}" if self.query else "")
        if self.headers:
            text += f" headers={self.headers}"
        if self.body or self.content_type:
            body = self.body if len(self.body) <= limit else self.body[:limit] + b"...(%d bytes)" % len(self.body)
            text += f" [{self.content_type}] {body!r}"
        return text

    def size(self) -> int:
        return len(self.path) + len(self.query) + len(self.body)


@dataclass
class Failure:
    key: str  # the exception type and where it was raised
    via: str  # our innermost frame on the way there
    status: int
    sent: Sent
    trace: str
    count: int = 1


class Recorder:
    def __init__(self) -> None:
        self.failures: dict[tuple[str, str], Failure] = {}
        self.sent = 0
        self.statuses: dict[int, int] = {}

    def record(self, sent: Sent, response) -> None:
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        content = b"" if getattr(response, "streaming", False) else response.content
        shows_trace = any(marker in content for marker in TRACEBACK_MARKERS)
        if response.status_code < 500 and not shows_trace:
            return
        key, via, trace = _root_cause(getattr(response, "exc_info", None), response.status_code)
        if shows_trace:
            key = "traceback in the body: " + key
        known = self.failures.get((key, via))
        if known is None:
            self.failures[(key, via)] = Failure(key, via, response.status_code, sent, trace)
            return
        known.count += 1
        if sent.size() < known.sent.size():
            known.sent = sent

    def report(self) -> str:
        causes = sorted({f.key for f in self.failures.values()})
        lines = [f"{len(causes)} distinct 5xx causes ({len(self.failures)} code paths) in {self.sent} requests:"]
        for key in causes:
            lines.append(f"\n* {key}")
            for failure in sorted((f for f in self.failures.values() if f.key == key), key=lambda f: f.via):
                lines.append(f"  - via {failure.via} -> {failure.status} (x{failure.count}): {failure.sent.describe(200)}")
            lines.extend(f"      {line}" for line in failure.trace.splitlines())
        return "\n".join(lines)

    def dump(self, name: str) -> None:
        """With ATIENDE_SWEEP_REPORT=<dir>, write the failures as JSON for a human to read."""
        target = os.environ.get("ATIENDE_SWEEP_REPORT")
        if not target:
            return
        Path(target).mkdir(parents=True, exist_ok=True)
        rows = [{"key": f.key, "via": f.via, "status": f.status, "count": f.count, "request": f.sent.describe(2000),
                 "trace": f.trace} for f in self.failures.values()]
        payload = {"sent": self.sent, "statuses": self.statuses, "failures": rows}
        (Path(target) / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))


def _root_cause(exc_info, status: int) -> tuple[str, str, str]:
    """(exception type at the frame that raised it, our innermost frame, a short trace)."""
    if not exc_info:
        return f"status {status} without an exception", "", ""
    _type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "/atiende/" in f.filename and "/site-packages/" not in f.filename]
    deepest = frames[-1] if frames else None
    key = f"{type(exc).__name__} raised at {_where(deepest)}"
    via = _where(ours[-1]) if ours else "(none of our code)"
    tail = [f"{_short(f.filename)}:{f.lineno} {f.name}: {f.line}" for f in (ours[-3:] + ([deepest] if deepest and (
        not ours or deepest is not ours[-1]) else []))]
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    return key, via, "\n".join([*tail, f"{type(exc).__name__}: {message}"])


def _where(frame) -> str:
    return f"{_short(frame.filename)}:{frame.lineno} ({frame.name})" if frame else "?"


def _short(filename: str) -> str:
    for anchor in ("/site-packages/", str(ROOT) + "/", "/lib/python3.11/"):
        if anchor in filename:
            return filename.split(anchor, 1)[1]
    return filename


class Clients:
    """One API client (token) and one browser client (session) per role, made once per test."""

    def __init__(self, world) -> None:
        self.api: dict[str, APIClient] = {}
        self.page: dict[str, Client] = {}
        self.sessions: dict[str, str] = {}
        for role, user in role_users(world).items():
            api = APIClient(raise_request_exception=False)
            page = Client(raise_request_exception=False)
            if user is not None:
                api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
                page.force_login(user)
                self.sessions[role] = page.cookies[settings.SESSION_COOKIE_NAME].value
            self.api[role], self.page[role] = api, page

    def browser(self, role: str) -> Client:
        """The role's browser, signed in again as at the start (an example may have signed out)."""
        client = self.page[role]
        client.cookies.clear()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


@contextmanager
def isolated():
    """One example: a savepoint rolled back afterwards and an empty cache (throttles, presence)."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def quiet_request_log():
    """The sweep reports 500s itself; Django's request logger would print each traceback."""
    logger = logging.getLogger("django.request")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def send(client: Client, sent: Sent):
    extra: dict[str, str] = {"QUERY_STRING": sent.query}
    extra.update({f"HTTP_{name.upper().replace('-', '_')}": value for name, value in sent.headers.items()})
    method = sent.method.lower()
    if method in ("get", "head", "options"):
        return getattr(client, method)(sent.path, **extra)
    return client.generic(sent.method, sent.path, data=sent.body, content_type=sent.content_type or
                          "application/octet-stream", **extra)
