"""The stored-XSS corpus (tests/security/hostile.py) through every page, fragment, notification and
search result that shows it, as the user who may see it.

Each check parses the page (`hostile.scan`): no element may carry an `on*` handler, a
`javascript:` URL, inline script or an embedding element, whatever the corpus planted; the raw
payloads never appear unescaped; and the planted text *is* on the page, escaped, so a page that
simply stops showing a field cannot pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atiende.portal.services import sign_in_link_request
from atiende.tickets.models import Message
from conftest import PASSWORD

from . import hostile
from .hostile import Planted, Scan, collapsed, plant, scan

pytestmark = pytest.mark.django_db

# Payloads with a character that escaping changes: never on a page as written.
RAW = [payload for payload in hostile.PAYLOADS.values() if any(ch in payload for ch in "<>\"'")]


@pytest.fixture
def planted(world, django_capture_on_commit_callbacks) -> Planted:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # acknowledgements, reply emails, referral
        return plant(world)


def client(user) -> Client:
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(user)
    return browser


def assert_inert(html: str, expected: Iterable[str] = (), absent: Iterable[str] = ()) -> Scan:
    result = scan(html)
    assert result.problems == []
    unescaped = [payload for payload in RAW if payload in html]
    assert unescaped == []
    missing = [text for text in expected if not result.shows(text)]
    assert missing == [], "planted text not rendered (escaped) on the page"
    leaked = [text for text in absent if result.shows(text) or text in html]
    assert leaked == []
    return result


def get_html(browser: Client, url: str, status: int = 200) -> str:
    response = browser.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return response.content.decode()


# --- what each page must show ------------------------------------------------------------------

def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class PageCase:
    id: str
    viewer: str  # attribute of Planted or of the world
    url: Callable[[Planted], str]
    expected: Callable[[Planted], list[str]]
    absent: Callable[[Planted], list[str]] = lambda p: []


def _ticket_page_texts(p: Planted) -> list[str]:
    return [
        hostile.SUBJECT, hostile.CUSTOMER_NAME, hostile.ORGANIZATION, hostile.AGENT_NAME, hostile.COMPANY,
        "XHTML", "XJSLINK", "XJSLINK2", "XSAFELINK", "XIMGALT",  # the sanitized HTML of the first message
        hostile.REPLY, hostile.NOTE, hostile.REFER_NOTE, hostile.CUSTOMER_REPLY,
        hostile.TAG, hostile.FIELD_LABEL, hostile.FIELD_VALUE, hostile.SUBJECT_OTHER,
        *p.filenames.values(), "XSVGFILE dibujo.svg",
    ]


PAGES = [
    PageCase("inbox", "agent1", lambda p: "/bandeja/?view=open", lambda p: [
        hostile.SUBJECT, hostile.SUBJECT_OTHER, collapsed(hostile.MAIL_SUBJECT), hostile.CUSTOMER_NAME,
        hostile.MAIL_FROM_NAME, hostile.ORGANIZATION, hostile.TAG, hostile.AGENT_NAME, hostile.VIEW_NAME,
        hostile.COMPANY,
    ]),
    PageCase("inbox-saved-view", "agent1", lambda p: f"/bandeja/?view={p.view.pk}",
             lambda p: [hostile.VIEW_NAME, hostile.SUBJECT]),
    PageCase("inbox-rows", "agent1", lambda p: "/bandeja/filas/?view=open", lambda p: [
        hostile.SUBJECT, hostile.SUBJECT_OTHER, collapsed(hostile.MAIL_SUBJECT), hostile.CUSTOMER_NAME,
        hostile.ORGANIZATION, hostile.TAG, hostile.AGENT_NAME,
    ]),
    PageCase("view-counts", "agent1", lambda p: f"/bandeja/conteos/?view={p.view.pk}", lambda p: [hostile.VIEW_NAME]),
    PageCase("view-edit", "agent1", lambda p: f"/bandeja/vistas/{p.view.pk}/", lambda p: [hostile.VIEW_NAME]),
    PageCase("search-subject", "agent1", lambda p: "/bandeja/buscar/?q=XSUBJ",
             lambda p: [hostile.SUBJECT, hostile.CUSTOMER_NAME, hostile.ORGANIZATION, hostile.TAG]),
    PageCase("search-requester", "agent1", lambda p: "/bandeja/buscar/?q=XNAME",
             lambda p: [hostile.SUBJECT, hostile.SUBJECT_OTHER, hostile.CUSTOMER_NAME]),
    PageCase("search-mail", "agent1", lambda p: "/bandeja/buscar/?q=XMAILSUBJ",
             lambda p: [collapsed(hostile.MAIL_SUBJECT), hostile.MAIL_FROM_NAME]),
    PageCase("suggestions", "agent1", lambda p: "/bandeja/buscar/sugerencias/?q=XSUBJ",
             lambda p: [hostile.SUBJECT, hostile.CUSTOMER_NAME]),
    PageCase("ticket-page", "agent1", lambda p: f"/tickets/{p.ticket.number}/", _ticket_page_texts),
    PageCase("ticket-page-of-the-other", "agent1", lambda p: f"/tickets/{p.other_ticket.number}/",
             lambda p: [hostile.SUBJECT_OTHER, hostile.SUBJECT, hostile.CUSTOMER_NAME]),
    PageCase("ticket-page-collaborator", "collaborator", lambda p: f"/tickets/{p.ticket.number}/",
             lambda p: [hostile.SUBJECT, hostile.NOTE, hostile.REFER_NOTE, hostile.CUSTOMER_REPLY, hostile.TAG,
                        hostile.FIELD_VALUE]),
    PageCase("timeline-since", "agent1",
             lambda p: f"/tickets/{p.ticket.number}/conversacion/?despues={p.customer_message.pk}",
             lambda p: [hostile.REPLY, hostile.NOTE, hostile.REFER_NOTE, hostile.CUSTOMER_REPLY, "XSAFELINK",
                        hostile.AGENT_NAME, *list(p.filenames.values())[2:]]),
    PageCase("mail-ticket-page", "agent1", lambda p: f"/tickets/{p.mail_ticket.number}/", lambda p: [
        collapsed(hostile.MAIL_SUBJECT), hostile.MAIL_FROM_NAME, "XMAILHTML", "XMAILLINK",
        _sanitized(hostile.MAIL_FILENAME),
    ]),
    PageCase("customer-page", "agent1", lambda p: f"/clientes/{p.customer.pk}/", lambda p: [
        hostile.CUSTOMER_NAME, hostile.ORGANIZATION, *lines(hostile.CUSTOMER_NOTES), hostile.SUBJECT,
        hostile.SUBJECT_OTHER,
    ]),
    PageCase("mail-customer-page", "agent1", lambda p: f"/clientes/{p.mail_customer.pk}/",
             lambda p: [hostile.MAIL_FROM_NAME, collapsed(hostile.MAIL_SUBJECT)]),
    PageCase("portal-home", "customer", lambda p: "/soporte/",
             lambda p: [hostile.SUBJECT, hostile.SUBJECT_OTHER, hostile.CUSTOMER_NAME, hostile.COMPANY]),
    PageCase("portal-home-organization-admin", "org_admin", lambda p: "/soporte/",
             lambda p: [hostile.SUBJECT, hostile.SUBJECT_OTHER, hostile.CUSTOMER_NAME]),
    PageCase("portal-request", "customer", lambda p: f"/soporte/solicitudes/{p.ticket.number}/", lambda p: [
        hostile.SUBJECT, hostile.BODY, hostile.REPLY, hostile.REPLY_HTML_TEXT, hostile.CUSTOMER_REPLY,
        hostile.AGENT_NAME, *p.filenames.values(), hostile.COMPANY,
    ], lambda p: [hostile.NOTE, hostile.REFER_NOTE, "XHTML"]),  # internal notes and HTML: never
    PageCase("portal-request-organization-admin", "org_admin", lambda p: f"/soporte/solicitudes/{p.ticket.number}/",
             lambda p: [hostile.SUBJECT, hostile.BODY, hostile.CUSTOMER_NAME, hostile.CUSTOMER_REPLY],
             lambda p: [hostile.NOTE]),
    PageCase("portal-created", "customer", lambda p: f"/soporte/solicitudes/{p.other_ticket.number}/recibida/",
             lambda p: [hostile.COMPANY, hostile.CUSTOMER_NAME]),  # the number, not the subject
    # The Django admin escapes by itself; the corpus goes through it too.
    PageCase("admin-customers", "admin", lambda p: "/admin/customers/customer/",
             lambda p: [hostile.CUSTOMER_NAME, hostile.MAIL_FROM_NAME]),
    PageCase("admin-customer", "admin", lambda p: f"/admin/customers/customer/{p.customer.pk}/change/",
             lambda p: [hostile.CUSTOMER_NAME, *lines(hostile.CUSTOMER_NOTES)]),
    PageCase("admin-organizations", "admin", lambda p: "/admin/customers/organization/",
             lambda p: [hostile.ORGANIZATION]),
    PageCase("admin-inbound-mail", "admin", lambda p: "/admin/mail/inboundmessage/",
             lambda p: [collapsed(hostile.MAIL_SUBJECT)]),
    PageCase("admin-custom-fields", "admin", lambda p: "/admin/tickets/customfield/", lambda p: [hostile.FIELD_LABEL]),
]


def _sanitized(name: str) -> str:
    from atiende.tickets.filenames import sanitize_filename

    return sanitize_filename(name)


def viewer(world, planted: Planted, name: str):
    if name in ("customer", "org_admin"):
        return getattr(planted, name).user
    return getattr(world, name)


@pytest.mark.parametrize("case", PAGES, ids=[case.id for case in PAGES])
def test_the_corpus_is_inert_and_shown(world, planted, case):
    html = get_html(client(viewer(world, planted, case.viewer)), case.url(planted))
    assert_inert(html, expected=case.expected(planted), absent=case.absent(planted))


def test_the_planted_values_are_stored_as_written(planted):
    """Escaping is the templates' job: the services keep what people wrote (only collapsing spaces
    and cleaning file names), so the tests above really render the payloads."""
    assert planted.ticket.subject == hostile.SUBJECT
    assert planted.customer.name == hostile.CUSTOMER_NAME
    assert planted.mail_customer.name == hostile.MAIL_FROM_NAME
    assert planted.mail_ticket.subject == collapsed(hostile.MAIL_SUBJECT)
    assert planted.customer_message.body_text == hostile.BODY
    assert planted.agent_reply.body_text == hostile.REPLY
    assert planted.ticket.custom_fields["referencia"] == hostile.FIELD_VALUE
    # Names lose what a file system or a reader could be fooled by: quotes and angle brackets,
    # paths, bidi overrides and zero-width characters.
    assert planted.filenames == {
        "quotes": "img src=x onerror=window.__xss=1.pdf",
        "rtl": "XRTL facturafdp.exe",
        "zero_width": "XZW invoicescript.txt",
        "path": "XPATH svg onload=window.__xss=1.html",
    }
    assert sorted(a.filename for a in planted.attachments) == sorted([*planted.filenames.values(), "XSVGFILE dibujo.svg"])


# --- HTML in messages ----------------------------------------------------------------------------

def test_message_html_keeps_formatting_and_loses_every_way_to_run_script(planted):
    html = planted.customer_message.body_html
    result = assert_inert(html, expected=["XHTML", "bold", "XJSLINK", "XSAFELINK", "XIMGALT"])
    assert "<b>bold</b>" in html
    links = [attrs for tag, attrs in result.tags if tag == "a"]
    assert [attrs.get("href") for attrs in links] == [None, None, "https://example.com/"]
    assert all(attrs.get("rel") == "noopener noreferrer nofollow" for attrs in links)
    assert {tag for tag, _attrs in result.tags} <= {"p", "b", "a", "img", "div"}


def test_the_emailed_html_body_is_sanitized_before_it_is_stored(planted):
    message = planted.mail_ticket.messages.get()
    assert_inert(message.body_html, expected=["XMAILHTML", "XMAILLINK"])
    assert "<title>" not in message.body_html and "onload" not in message.body_html


# --- reflected input -----------------------------------------------------------------------------

REFLECTED = [
    ("/bandeja/buscar/?q={}", "agent1"),
    ("/bandeja/buscar/sugerencias/?q={}", "agent1"),
    ("/bandeja/?view=open&tag={}", "agent1"),
    ("/bandeja/filas/?view=open&tag={}", "agent1"),
    ("/bandeja/conteos/?view={}", "agent1"),
    ("/bandeja/?view={}", "agent1"),
    ("/cuenta/entrar/?next={}", None),
    ("/soporte/entrar/?next={}", None),
]


@pytest.mark.parametrize(("pattern", "who"), REFLECTED, ids=[pattern.replace("={}", "") for pattern, _who in REFLECTED])
@pytest.mark.parametrize("payload", ["img", "svg", "attribute_break", "js_url", "script_break", "textarea_break"])
def test_what_the_address_carries_is_escaped_where_it_comes_back(world, pattern, who, payload):
    from urllib.parse import quote

    browser = client(getattr(world, who)) if who else Client()
    response = browser.get(pattern.format(quote(hostile.PAYLOADS[payload])))
    assert response.status_code in (200, 400)
    assert_inert(response.content.decode())


def test_search_repeats_the_query_escaped(world):
    html = get_html(client(world.agent1), "/bandeja/buscar/?q=" + hostile.IMG)
    assert_inert(html, expected=[hostile.IMG])


def test_a_stale_reply_comes_back_in_the_composer_escaped(world, planted):
    """The textarea is where `</textarea><script>` would escape its element."""
    browser = client(planted.agent)
    before = Message.objects.filter(ticket=planted.ticket).count()
    response = browser.post(f"/tickets/{planted.ticket.number}/responder/", {
        "kind": "public", "body": hostile.TEXTAREA_BREAK + " " + hostile.SCRIPT_BREAK, "last_message_id": "1",
    })
    assert response.status_code == 409
    body = assert_inert(response.content.decode(), expected=[hostile.TEXTAREA_BREAK + " " + hostile.SCRIPT_BREAK])
    assert body.shows(hostile.SUBJECT)
    assert Message.objects.filter(ticket=planted.ticket).count() == before


def test_a_portal_request_refused_keeps_what_was_typed_escaped(world, planted):
    browser = client(planted.customer.user)
    response = browser.post("/soporte/nueva/", {"subject": hostile.SVG + hostile.ATTRIBUTE_BREAK, "description": ""})
    assert response.status_code == 400
    assert_inert(response.content.decode(), expected=[collapsed(hostile.SVG + hostile.ATTRIBUTE_BREAK)])


def test_a_portal_reply_refused_for_its_attachment_keeps_the_text_escaped(planted, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    browser = client(planted.customer.user)
    upload = SimpleUploadedFile(hostile.FILENAMES["quotes"], b"demasiado grande")
    response = browser.post(f"/soporte/solicitudes/{planted.ticket.number}/responder/",
                            {"body": hostile.TEXTAREA_BREAK, "attachments": upload})
    assert response.status_code in (400, 413)
    assert_inert(response.content.decode(), expected=[hostile.TEXTAREA_BREAK, hostile.SUBJECT])


def test_attachments_uploaded_through_the_portal_form_are_listed_inert(planted):
    browser = client(planted.customer.user)
    uploads = [SimpleUploadedFile(name, b"hola") for name in hostile.FILENAMES.values()]
    response = browser.post(f"/soporte/solicitudes/{planted.other_ticket.number}/responder/",
                            {"body": "XPORTALFILES", "attachments": uploads})
    assert response.status_code == 302
    html = get_html(browser, f"/soporte/solicitudes/{planted.other_ticket.number}/")
    assert_inert(html, expected=["XPORTALFILES", *planted.filenames.values()])
    agent_html = get_html(client(planted.agent), f"/tickets/{planted.other_ticket.number}/")
    assert_inert(agent_html, expected=["XPORTALFILES", *planted.filenames.values()])


def test_the_merge_confirmation_names_the_target_escaped(planted):
    browser = client(planted.agent)
    response = browser.post(f"/tickets/{planted.other_ticket.number}/fusionar/", {"target": planted.ticket.number})
    assert response.status_code == 200
    assert_inert(response.content.decode(), expected=[hostile.SUBJECT])


# --- notifications -------------------------------------------------------------------------------

def _mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to or address in getattr(message, "bcc", [])]


def _html_parts(message) -> list[str]:
    return [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]


def test_plain_text_notifications_carry_no_html_and_no_broken_headers(world, planted):
    acknowledgement = [m for m in _mails_to("mala@hostil.mx") if "XSUBJ" in m.subject and not _html_parts(m)]
    referral = _mails_to(world.collaborator.email)
    mail_acknowledgement = _mails_to("hostil@correo-hostil.mx")
    assert len(acknowledgement) == 1 and len(mail_acknowledgement) == 1
    assert [m for m in referral if not _html_parts(m)] != []
    for message in [*acknowledgement, *mail_acknowledgement, *[m for m in referral if not _html_parts(m)]]:
        assert message.content_subtype == "plain"
        assert _html_parts(message) == []
        assert "\n" not in message.subject and "\r" not in message.subject
        for name, value in message.extra_headers.items():
            assert "\n" not in str(value), name
    assert hostile.SUBJECT in acknowledgement[0].body  # as written: plain text cannot run it
    assert hostile.CUSTOMER_NAME in acknowledgement[0].body


def test_the_sign_in_link_mail_is_plain_text(planted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_link_request(email="mala@hostil.mx", client_ip="127.0.0.1", site="http://testserver/", language="en")
    (message,) = mail.outbox
    assert message.content_subtype == "plain" and _html_parts(message) == []
    assert hostile.CUSTOMER_NAME in message.body and "\n" not in message.subject


def test_the_reply_email_html_part_shows_the_agent_reply_inert(planted):
    """The reply to the customer has an HTML part; the agent's text reply must be escaped in it."""
    (message,) = [m for m in _mails_to("mala@hostil.mx") if _html_parts(m) and "XREPLY " in m.body]
    (html,) = _html_parts(message)
    assert_inert(html, expected=[hostile.REPLY])


def test_the_reply_email_html_part_quotes_the_customer_inert(planted):
    """Below the reply, the customer's last message is quoted; it is the customer's own text."""
    (message,) = [m for m in _mails_to("mala@hostil.mx") if _html_parts(m) and "XREPLY " in m.body]
    (html,) = _html_parts(message)
    assert_inert(html, expected=[hostile.BODY])


def test_the_html_reply_email_carries_the_sanitized_html(planted):
    (message,) = [m for m in _mails_to("mala@hostil.mx") if _html_parts(m) and "XREPLYHTML" in m.body]
    (html,) = _html_parts(message)
    assert_inert(html, expected=["XHTML", "XSAFELINK"])


# --- the scanner itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("html", [
    '<img src=x onerror="alert(1)">',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    "<title></title><script>alert(1)</script></title>",
    "<textarea></textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>',
    '<div hx-on:click="alert(1)">x</div>',
    '<object data="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<svg><animate onbegin="alert(1)"/></svg>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<base href="https://evil.example/">',
    '<p __xss="1">x</p>',
])
def test_the_scanner_reports_what_could_run(html):
    assert scan(html).problems != []


def test_the_scanner_accepts_escaped_text_and_our_own_markup():
    html = (
        '<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; javascript:alert(1)</p>'
        '<input value="&quot;&gt;&lt;svg onload=alert(1)&gt;"><a href="/tickets/1/?q=javascript:x">x</a>'
        '<script src="/static/x.js"></script><script type="application/json">{"a": 1}</script>'
        '<img src="data:image/png;base64,AAAA" alt="">'
    )
    result = scan(html)
    assert result.problems == []
    assert result.shows('<img src=x onerror="alert(1)"> javascript:alert(1)')
    assert result.shows('"><svg onload=alert(1)>')
    assert result.script_srcs == ["/static/x.js"] and result.json_scripts == 1


@pytest.mark.parametrize(("login_url", "who"), [("/cuenta/entrar/", "agent1"), ("/soporte/entrar/", "customer_a")])
@pytest.mark.parametrize("target", [hostile.JS_URL, " javascript:alert(1)", "//evil.example/", "data:text/html,x"])
def test_signing_in_never_follows_a_script_or_foreign_next(world, login_url, who, target):
    user = world.customer_a.user if who == "customer_a" else world.agent1
    response = Client().post(login_url, {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] in ("/", "/tickets/", "/bandeja/", "/soporte/")
