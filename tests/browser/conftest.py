"""Browser tests: Playwright for Python drives Debian's Chromium against pytest-django's live
server.

- The browser is Debian's `chromium` package (the Makefile's `test-servers` installs it as root);
  Playwright's own browser download is never used. axe-core comes from the npm registry through
  `scripts/fetch_axe.py` into `.cache/axe-core/`. As with Dovecot, Redis and PostgreSQL, a missing
  piece skips these tests on a laptop and fails them in CI (CI=true).
- Tests need the live server, so they must be transactional, and the flush after each one would
  drop the rows our data migrations seed:

      pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

- Playwright's sync API marks its asyncio loop as running on the main thread between calls, for
  as long as it is started. Django then (1) refuses ORM calls ("SynchronousOnlyOperation") and
  (2) hands out other connection objects (its connection storage is per-context when a loop
  runs), which lack the serialized test data: their flush would re-create content types and the
  next serialized test would fail to restore its data. Later `asyncio.run`/`async_to_sync` in the
  same thread would break too. So Playwright lives only while this package's tests run (package
  scope, not session); meanwhile DJANGO_ALLOW_ASYNC_UNSAFE is set (the loop never runs at the same
  time as test code, it only looks running) and the serialized data is handed to the connections
  seen under the loop. The live server is a thread of its own and is not affected.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOGIN_PATH = "/cuenta/entrar/"
DEFAULT_TIMEOUT_MS = 5_000  # local pages answer in milliseconds; fail fast instead of after 30 s
CONTEXT_DEFAULTS: dict[str, Any] = {
    "locale": "es-MX",
    "timezone_id": "America/Mexico_City",
    "viewport": {"width": 1280, "height": 800},
}
PHONE: dict[str, Any] = {  # a 375-px-wide phone, as the issue asks the portal to support
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it in CI, where the browser and axe-core must be present."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; it is required in CI", pytrace=False)
    pytest.skip(reason)


def _fetch_axe_module():
    """scripts/fetch_axe.py, the one place that names the pinned axe-core version."""
    spec = importlib.util.spec_from_file_location("fetch_axe", ROOT / "scripts" / "fetch_axe.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (`apt-get install chromium`)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    unavailable(
        "chromium not found (Debian: apt-get install chromium, or `make test-servers` as root)"
    )


def _serialized_test_data() -> dict[str, str]:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="package")
def browser(chromium_path: str, django_db_setup: None) -> Iterator[Any]:
    """A headless Chromium driven by Playwright, shared by this package's tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (run `make setup`)")
    from django.db import connections

    serialized = _serialized_test_data()  # taken after the test databases exist
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = None
    try:
        playwright = sync_playwright().start()
        for alias, contents in serialized.items():  # from here on, Django sees other connections
            connections[alias]._test_serialized_contents = contents
        args = ["--disable-dev-shm-usage"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run sandboxed as root
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        if playwright is not None:
            playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., Any]]:
    """`new_page(**context_options) -> Page`: a page in a fresh context (own cookies), es-MX,
    America/Mexico_City and 1280x800 unless overridden, e.g. `new_page(**PHONE)`. Every context
    is closed at the end of the test."""
    contexts = []

    def make(**options: Any):
        context = browser.new_context(**{**CONTEXT_DEFAULTS, **options})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a new browser context: locale es-MX, time zone America/Mexico_City, 1280x800."""
    return new_page()


@pytest.fixture
def login() -> Callable[..., None]:
    """`login(page, live_server, email, password)`: signs in through the real page at
    /cuenta/entrar/ and waits for the redirect; raises AssertionError, with the page's own
    message, when the sign-in is refused."""

    def sign_in(page, live_server, email: str, password: str) -> None:
        page.goto(f"{live_server.url}{LOGIN_PATH}")
        form = page.locator("form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        if urlparse(page.url).path == LOGIN_PATH:
            alert = page.locator("[role=alert]")
            message = alert.first.inner_text() if alert.count() else "no message on the page"
            raise AssertionError(f"sign-in as {email} was refused: {message}")

    return sign_in


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of the pinned axe.min.js that scripts/fetch_axe.py put in .cache/."""
    fetch_axe = _fetch_axe_module()
    path: Path = fetch_axe.TARGET
    if not path.is_file():
        unavailable(
            f"axe-core {fetch_axe.VERSION} is missing at {path.relative_to(ROOT)} "
            "(run `make test-servers` or `python scripts/fetch_axe.py`)"
        )
    return path.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], list[dict]]:
    """`axe(page) -> list[dict]`: runs axe-core on the page's current document and returns the
    violations (each with `id`, `impact`, `help`, `helpUrl` and `nodes[].target`/`html`).

    axe is evaluated through the DevTools protocol rather than added as a <script> element, so
    the page's Content-Security-Policy cannot block it and need not be bypassed."""

    def run_axe(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
            if not page.evaluate("() => typeof window.axe === 'object'"):
                raise RuntimeError("axe-core did not load into the page")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return result["violations"]

    return run_axe


class AsgiServer:
    """atiende.asgi.application under uvicorn on a thread: real websockets, which pytest-django's
    WSGI live_server cannot serve. Same `.url` as live_server, so `login(page, asgi_server, …)`
    works. Static files are served from the finders as live_server does."""

    def __init__(self) -> None:
        import socket
        import threading

        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from atiende.asgi import application

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))  # a free port, chosen by the system
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(ASGIStaticFilesHandler(application), lifespan="off", log_level="warning")
        self._server = uvicorn.Server(config)
        self._loop: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="asgi-server")

    def _run(self) -> None:
        import asyncio

        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._server.serve(sockets=[self._socket]))
        self._loop.close()

    def start(self) -> None:
        import time

        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.02)

    def drain(self, timeout: float = 5) -> None:
        """Close every connection and wait for what is running: a test's late requests and
        websocket goodbyes must not reach the next test, nor a database that is being reset."""
        import asyncio

        from websockets.exceptions import InvalidState

        async def close_all() -> None:
            state = self._server.server_state
            for connection in list(state.connections):
                try:
                    connection.shutdown()
                except InvalidState:  # a websocket already closing refuses a second goodbye
                    continue
            while state.tasks:
                await asyncio.sleep(0.01)

        asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(timeout)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@pytest.fixture(scope="session")
def _asgi_server(django_db_setup: None) -> Iterator[AsgiServer]:
    server = AsgiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def asgi_server(transactional_db: None, _asgi_server: AsgiServer) -> Iterator[AsgiServer]:
    """The ASGI application (HTTP and websockets) on 127.0.0.1 and a free port, against the test
    database; like live_server it sees only committed rows. Ask for it before `new_page`, so the
    pages close first; after the test its connections are closed before the database is reset."""
    yield _asgi_server
    _asgi_server.drain()
