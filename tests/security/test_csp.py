"""The Content-Security-Policy on every page, pages that need no exception to it, and uploads that
no page can ever run.

- Every HTML page (agent, portal, sign-in, admin, API docs, error pages) and fragment sends a
  policy whose scripts come only from 'self' (no 'unsafe-inline', 'unsafe-eval', data:, other
  origins), with `object-src 'none'`, `base-uri` and `frame-ancestors` locked.
- The pages hold no inline <script> code (only `src=` or `type="application/json"`), no
  `style=` attribute and no <style> element; only the API docs (Swagger UI) may use inline styles.
- 'self' covers our own origin, where uploads are served too: so an upload is never served with
  a script or stylesheet type, always with `Content-Disposition: attachment`, `nosniff` and a
  `sandbox` policy of its own. The branding logo: raster images only, `nosniff` and `sandbox`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atiende.branding.services import branding_update
from atiende.tickets.services import message_create

from . import hostile
from .hostile import Planted, plant, scan

pytestmark = pytest.mark.django_db

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "'strict-dynamic'",
                  "data:", "blob:", "filesystem:", "*", "http:", "https:", "ws:", "wss:")
# MIME types a browser runs as script (WHATWG's JavaScript MIME types), renders as a document or
# applies as a stylesheet: none of them is ever given to an upload.
SCRIPT_TYPES = {
    "application/ecmascript", "application/javascript", "application/x-ecmascript", "application/x-javascript",
    "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.5", "text/jscript",
    "text/livescript", "text/x-ecmascript", "text/x-javascript", "application/json", "text/json",
}
DOCUMENT_TYPES = {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/css", "text/xsl",
                  "application/wasm"}
UPLOAD_SANDBOX = "default-src 'none'; sandbox"


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0].lower() not in directives, f"{words[0]} twice in {header!r}"
            directives[words[0].lower()] = words[1:]
    return directives


def assert_strict_policy(response, *, inline_styles: bool = False) -> None:
    directives = policy(response)
    assert directives, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    for loosened in ("script-src-elem", "script-src-attr"):  # would override script-src for their part
        assert directives.get(loosened, ["'none'"]) in (["'none'"], ["'self'"])
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] in (["'self'"], ["'none'"])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["style-src"] == (["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"])
    for name, sources in directives.items():
        if name.startswith(("script-src", "default-src", "object-src", "worker-src", "child-src", "frame-src")):
            assert not set(sources) & set(UNSAFE_SOURCES), (name, sources)
    assert "report-only" not in response.get("Content-Security-Policy", "").lower()


def assert_no_inline_code(html: str, *, inline_styles: bool = False) -> None:
    result = scan(html)
    assert result.inline_scripts == []
    assert result.problems == []
    assert all(src.startswith("/") and not src.startswith("//") for src in result.script_srcs), result.script_srcs
    if not inline_styles:
        assert result.style_attributes == []
        assert result.style_elements == 0


# --- every page ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    id: str
    viewer: str | None  # "agent1", "admin", "customer" (the planted customer), None: anonymous
    url: Any  # str or Planted -> str
    status: int = 200
    inline_styles: bool = False
    method: str = "get"
    data: Any = None
    headers: dict | None = None


PAGES = [
    # agents
    Page("inbox", "agent1", "/bandeja/"),
    Page("inbox-saved-view", "agent1", lambda p: f"/bandeja/?view={p.view.pk}"),
    Page("inbox-rows", "agent1", "/bandeja/filas/?view=open"),
    Page("view-counts", "agent1", "/bandeja/conteos/?view=open"),
    Page("view-edit", "agent1", lambda p: f"/bandeja/vistas/{p.view.pk}/"),
    Page("search", "agent1", "/bandeja/buscar/?q=XSUBJ"),
    Page("search-suggestions", "agent1", "/bandeja/buscar/sugerencias/?q=XSUBJ"),
    Page("ticket-page", "agent1", lambda p: f"/tickets/{p.ticket.number}/"),
    Page("mail-ticket-page", "agent1", lambda p: f"/tickets/{p.mail_ticket.number}/"),
    Page("timeline-since", "agent1", lambda p: f"/tickets/{p.ticket.number}/conversacion/?despues={p.customer_message.pk}"),
    Page("take-fragment", "agent1", lambda p: f"/tickets/{p.ticket.number}/tomar/", method="post",
         headers={"HX-Request": "true"}),
    Page("stale-reply", "agent1", lambda p: f"/tickets/{p.ticket.number}/responder/", status=409, method="post",
         data={"kind": "public", "body": "hola", "last_message_id": "1"}),
    Page("customer-page", "agent1", lambda p: f"/clientes/{p.customer.pk}/"),
    Page("sla-attainment", "admin", "/sla/cumplimiento/"),
    Page("ticket-not-found", "agent1", "/tickets/99999999/", status=404),
    # customers
    Page("portal-home", "customer", "/soporte/"),
    Page("portal-new", "customer", "/soporte/nueva/"),
    Page("portal-new-refused", "customer", "/soporte/nueva/", status=400, method="post", data={"subject": "", "description": ""}),
    Page("portal-request", "customer", lambda p: f"/soporte/solicitudes/{p.ticket.number}/"),
    Page("portal-created", "customer", lambda p: f"/soporte/solicitudes/{p.ticket.number}/recibida/"),
    Page("portal-other-request", "customer", "/soporte/solicitudes/99999999/", status=404),
    # signing in
    Page("login", None, "/cuenta/entrar/"),
    Page("login-refused", None, "/cuenta/entrar/", status=400, method="post", data={"email": "x@example.mx", "password": "no"}),
    Page("portal-login", None, "/soporte/entrar/"),
    Page("portal-signup", None, "/soporte/registro/"),
    Page("portal-bad-link", None, "/soporte/entrar/enlace/no-es-un-token/", status=400),
    # admin
    Page("admin-login", None, "/admin/login/"),
    Page("admin-index", "admin", "/admin/"),
    Page("admin-customers", "admin", "/admin/customers/customer/"),
    Page("admin-customer", "admin", lambda p: f"/admin/customers/customer/{p.customer.pk}/change/"),
    Page("admin-organizations", "admin", "/admin/customers/organization/"),
    Page("admin-inbound-mail", "admin", "/admin/mail/inboundmessage/"),
    Page("admin-custom-field-add", "admin", "/admin/tickets/customfield/add/"),
    Page("admin-branding", "admin", "/admin/branding/branding/1/change/"),
    # API documentation (Swagger UI sets style attributes: the one page allowed inline styles)
    Page("api-docs", None, "/api/v1/docs/", inline_styles=True),
]


@pytest.fixture
def planted(world) -> Planted:
    planted = plant(world)
    branding_update(actor=None, changes={"allow_signup": True})
    return planted


def _client(world, planted: Planted, viewer: str | None) -> Client:
    browser = Client(headers={"accept-language": "en"})
    if viewer == "customer":
        browser.force_login(planted.customer.user)
    elif viewer is not None:
        browser.force_login(getattr(world, viewer))
    return browser


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_every_page_has_the_strict_policy_and_no_inline_code(world, planted, page):
    url = page.url(planted) if callable(page.url) else page.url
    browser = _client(world, planted, page.viewer)
    response = getattr(browser, page.method)(url, page.data or {}, headers=page.headers or {})
    assert response.status_code == page.status, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    assert_strict_policy(response, inline_styles=page.inline_styles)
    assert_no_inline_code(response.content.decode(), inline_styles=page.inline_styles)


def test_the_api_docs_scripts_are_files_of_our_own(world):
    response = Client().get("/api/v1/docs/")
    result = scan(response.content.decode())
    assert result.inline_scripts == [] and result.script_srcs != []
    for src in result.script_srcs:
        script = Client().get(src)
        assert script.status_code == 200, src
        assert script["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript"), src


def test_json_and_redirects_carry_the_policy_too(world):
    assert_strict_policy(world.client_for(world.agent1).get("/api/v1/tickets/"))
    assert_strict_policy(Client().get("/bandeja/"))  # the redirect to sign in
    assert_strict_policy(Client().get("/healthz"))


# --- uploads ---------------------------------------------------------------------------------------

def _assert_served_inert(response, *, filename: str) -> None:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert "\n" not in disposition and "\r" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == UPLOAD_SANDBOX
    content_type = response["Content-Type"].split(";")[0].strip().lower()
    assert content_type not in SCRIPT_TYPES | DOCUMENT_TYPES, (filename, content_type)


def test_every_planted_attachment_is_a_sandboxed_download_for_agents_customers_and_the_api(world, planted):
    agent, customer = _client(world, planted, "agent1"), _client(world, planted, "customer")
    api = world.client_for(world.agent1)
    assert len(planted.attachments) == 5
    for attachment in planted.attachments:
        for browser, url in ((agent, f"/tickets/adjuntos/{attachment.public_id}/"),
                             (customer, f"/tickets/adjuntos/{attachment.public_id}/"),
                             (api, f"/api/v1/attachments/{attachment.public_id}/")):
            _assert_served_inert(browser.get(url), filename=attachment.filename)


UPLOADS = {
    "script.js": b"window.__xss=1;alert(1)",
    "module.mjs": b"export default window.__xss=1",
    "page.html": hostile.HTML_FILE,
    "page.htm": hostile.HTML_FILE,
    "page.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>window.__xss=1</script></html>',
    "styles.css": b"body{background:url(javascript:window.__xss=1)}",
    "data.json": b'{"a": 1}',
    "feed.xml": b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">window.__xss=1</x:script>',
    "image.svg": hostile.SVG_FILE,
    "polyglot.gif": b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=window.__xss=1;",
    "no-extension": b"<script>window.__xss=1</script>",
}


@pytest.mark.parametrize("name", list(UPLOADS))
def test_no_upload_is_ever_served_as_script_or_page(world, name):
    """script-src 'self' trusts our origin, where uploads live: so no upload may be a script (or
    stylesheet, or page) by its type, and nosniff stops the browser from guessing otherwise."""
    message = message_create(actor=world.customer_a.user, ticket=world.ticket_a, body="adjunto",
                             uploads=[SimpleUploadedFile(name, UPLOADS[name], content_type="text/javascript")])
    (attachment,) = message.attachments.all()
    assert attachment.content_type not in SCRIPT_TYPES | DOCUMENT_TYPES, attachment.content_type
    browser = Client()
    browser.force_login(world.agent1)
    _assert_served_inert(browser.get(f"/tickets/adjuntos/{attachment.public_id}/"), filename=name)


def test_the_original_email_is_shown_as_sandboxed_plain_text(world, planted):
    message = planted.mail_ticket.messages.get()
    browser = _client(world, planted, "agent1")
    response = browser.get(f"/tickets/{planted.mail_ticket.number}/mensajes/{message.pk}/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == UPLOAD_SANDBOX
    assert b"XMAILHTML" in b"".join(response.streaming_content)


# --- the branding logo and colours ------------------------------------------------------------------

def _png(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x0b\x5c\xad"))
            + chunk(b"IEND", b"") + extra)


def test_the_logo_is_served_as_a_sandboxed_image_even_when_it_is_also_html(world):
    """A PNG with a page after its end: its bytes decide its type, and nothing on our origin may
    ever render it as a document."""
    polyglot = _png(b"<html><script>window.__xss=1</script></html>")
    branding_update(actor=world.admin, changes={"logo": SimpleUploadedFile("logo.html", polyglot, content_type="text/html")})
    response = Client().get("/marca/logo")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == UPLOAD_SANDBOX
    assert "attachment" not in response.get("Content-Disposition", "")  # shown by <img>; sandbox suffices


@pytest.mark.parametrize("content", [hostile.SVG_FILE, hostile.HTML_FILE, b"window.__xss=1"], ids=["svg", "html", "js"])
def test_a_logo_that_could_carry_script_is_refused(world, content):
    with pytest.raises(ValidationError) as refused:
        branding_update(actor=world.admin, changes={"logo": SimpleUploadedFile("logo.png", content, content_type="image/png")})
    assert list(refused.value.error_dict) == ["logo"]
    assert Client().get("/marca/logo").status_code == 404


@pytest.mark.parametrize("colour", [
    "#000000;}body{background:url(javascript:window.__xss=1)}",
    "red", "expression(alert(1))", "#0b5cad</style><script>window.__xss=1</script>",
])
def test_colours_cannot_write_css_or_markup(world, colour):
    with pytest.raises(ValidationError):
        branding_update(actor=world.admin, changes={"primary_color": colour})
    with pytest.raises(ValidationError):
        branding_update(actor=world.admin, changes={"accent_color": colour})
    css = Client().get("/marca/estilo.css")
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "javascript" not in css.content.decode() and "<" not in css.content.decode()
