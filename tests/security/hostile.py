"""A stored-XSS corpus, planted through our own services, and an HTML scanner that proves it inert.

Every payload sets `window.__xss` (and calls `alert`) if it ever runs, so the browser tests can
look for the marker and for dialogs; every planted value starts with a label (XSUBJ, XNAME, ...)
so a test can say *where* a value must appear, escaped, and fail if it is simply not rendered.

`plant(world)` builds, through the services a real user or the mail channel would use:
- the company name (branding), an organization, a customer and an agent with hostile names;
- a ticket whose subject, tags, custom field (label and value), customer message (text and HTML),
  agent reply (HTML with `javascript:` links), internal note, referral note and attachment names
  are hostile; a second ticket of the same customer, linked to the first;
- a ticket that arrived by email (`atiende.mail.services.ingest`) with a hostile From display
  name, subject, HTML body and attachment name;
- a saved inbox view with a hostile name (agent 1's).

`scan(html)` parses with the stdlib `html.parser` (stricter than a browser: it also parses inside
<title> and <textarea>, so a tag that escaped there is found too) and reports every element that
could run script: `on*` attributes, `javascript:`/`vbscript:`/`data:` URLs, inline <script>,
<iframe>/<object>/<embed>/<svg>/<base>..., and the marker inside a tag or attribute *name*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.models import User
from atiende.accounts.services import agent_create
from atiende.branding.services import branding_update
from atiende.customers.models import Customer, Organization, Segment
from atiende.customers.services import customer_create, customer_update, organization_create
from atiende.mail.services import Outcome, ingest
from atiende.tickets.filenames import sanitize_filename
from atiende.tickets.models import (
    Attachment,
    CustomField,
    CustomFieldKind,
    LinkKind,
    Message,
    Ticket,
)
from atiende.tickets.services import (
    message_create,
    ticket_create,
    ticket_link,
    ticket_refer,
    ticket_update,
)
from atiende.workspace.models import InboxSort, SavedView
from atiende.workspace.params import InboxFilters
from atiende.workspace.services import saved_view_create
from conftest import PASSWORD

MARKER = "__xss"
RUN = "window.__xss=1;alert(1)"  # what every payload runs, if it ever runs

# --- payloads -------------------------------------------------------------------------------------
IMG = f'<img src=x onerror="{RUN}">'
IMG_BARE = "<img src=x onerror=window.__xss=1>"
SCRIPT = f"<script>{RUN}</script>"
SVG = f'"><svg onload="{RUN}">'
ATTRIBUTE_BREAK = "' onmouseover='window.__xss=1' autofocus onfocus='window.__xss=1' x='"
JS_URL = f"javascript:{RUN}"
JS_LINK = f'<a href="javascript:{RUN}">x</a>'
TEMPLATE = "{{ 7*7 }} {% now 'Y' %} ${7*7}"
TEXTAREA_BREAK = "</textarea><script>window.__xss=1</script>"
TITLE_BREAK = "</title><script>window.__xss=1</script>"
SCRIPT_BREAK = "</script><script>window.__xss=1</script>"
IFRAME = "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>"
STYLE = "<style>body{display:none}</style><div style=\"background:url(javascript:window.__xss=1)\">"
HTMX = '<div hx-get="/admin/" hx-trigger="load" hx-on:htmx:load="window.__xss=1">x</div>'

PAYLOADS = {
    "img": IMG, "img_bare": IMG_BARE, "script": SCRIPT, "svg": SVG, "attribute_break": ATTRIBUTE_BREAK,
    "js_url": JS_URL, "js_link": JS_LINK, "template": TEMPLATE, "textarea_break": TEXTAREA_BREAK,
    "title_break": TITLE_BREAK, "script_break": SCRIPT_BREAK, "iframe": IFRAME, "style": STYLE, "htmx": HTMX,
}

# --- the planted values (each starts with its label; lengths fit the model fields) -----------------
COMPANY = "XCOMPANY </title><script>window.__xss=1</script><img src=x onerror=window.__xss=1>"  # 100 chars at most
ORGANIZATION = f"XORG {IMG}"
CUSTOMER_NAME = f"XNAME {SVG}"
CUSTOMER_NOTES = f"XNOTES {SCRIPT}\n{JS_LINK}"
AGENT_NAME = f"XAGENT {IMG_BARE} {TITLE_BREAK}"
SUBJECT = f"XSUBJ {IMG} {SCRIPT} {TEMPLATE} {TITLE_BREAK}"
SUBJECT_OTHER = f"XOTHER {SVG} {JS_LINK}"
TAG = "xtag <img src=x onerror=window.__xss=1>"  # tags are lower case, 50 characters at most
FIELD_LABEL = f"XLABEL {IMG_BARE}"
FIELD_VALUE = f"XVALUE {ATTRIBUTE_BREAK} {TEXTAREA_BREAK}"
BODY = f"XBODY {IMG} {SCRIPT} {JS_URL} {JS_LINK} {TEMPLATE} {TEXTAREA_BREAK} {SCRIPT_BREAK}"
BODY_HTML = (
    f"<p>XHTML <b>bold</b> {IMG} {SCRIPT}</p>"
    f'<p><a href="javascript:{RUN}">XJSLINK</a> <a href=" jAvAsCrIpT:{RUN}">XJSLINK2</a>'
    f' <a href="https://example.com/" onclick="{RUN}">XSAFELINK</a></p>'
    f"{IFRAME}{STYLE}{HTMX}"
    f'<svg><script>{RUN}</script></svg><math><mi xlink:href="javascript:{RUN}">m</mi></math>'
    f'<form action="javascript:{RUN}"><button formaction="javascript:{RUN}">b</button></form>'
    f'<img src="javascript:{RUN}" alt="XIMGALT"><object data="javascript:{RUN}"></object>'
)
REPLY = f"XREPLY {JS_LINK} {IMG}"
REPLY_HTML_TEXT = "XREPLYHTML plain part"
NOTE = f"XNOTE {SCRIPT} {ATTRIBUTE_BREAK}"
REFER_NOTE = f"XREFER {IMG}"
CUSTOMER_REPLY = f"XCUSTREPLY {IMG} {TEXTAREA_BREAK}"
VIEW_NAME = "XVIEW <img src=x onerror=window.__xss=1>"  # 80 characters at most
FILENAMES = {
    "quotes": '"><img src=x onerror=window.__xss=1>.pdf',
    "rtl": "XRTL factura\u202efdp.exe",  # RIGHT-TO-LEFT OVERRIDE: shows as "factura.pdf" unless removed
    "zero_width": "XZW in\u200bvo\u200dice\ufeff<script>.txt",
    "path": "../../XPATH <svg onload=window.__xss=1>.html",
}
MAIL_FROM_NAME = "XMAILNAME <img src=x onerror=window.__xss=1>"
MAIL_SUBJECT = f"XMAILSUBJ {SCRIPT} {SVG}"
MAIL_TEXT = f"XMAILTEXT {IMG} {JS_URL}"
MAIL_HTML = (
    f"<html><head><title>{TITLE_BREAK}</title><script>{RUN}</script></head>"
    f'<body onload="{RUN}"><p>XMAILHTML {IMG}</p><a href="javascript:{RUN}">XMAILLINK</a>'
    f"{IFRAME}{STYLE}</body></html>"
)
MAIL_FILENAME = "XMAILFILE <svg onload=window.__xss=1>.txt"

# Contents of uploads: an HTML page and an SVG that run script if a browser ever renders them.
HTML_FILE = f"<!doctype html><title>x</title><script>{RUN}</script>".encode()
SVG_FILE = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{RUN}"><script>{RUN}</script></svg>'.encode()


def collapsed(text: str) -> str:
    """How single-line fields are stored (the services collapse whitespace)."""
    return " ".join(text.split())


# --- planting -------------------------------------------------------------------------------------

@dataclass
class Planted:
    organization: Organization
    customer: Customer  # signs in with conftest.PASSWORD
    agent: User  # team 1, the ticket's assignee and author of the replies
    ticket: Ticket  # team 1: agent 1 sees it
    other_ticket: Ticket  # same requester, team 1, linked to `ticket`
    mail_ticket: Ticket  # no team (the triage queue): every staff agent sees it
    mail_customer: Customer
    view: SavedView  # agent 1's
    customer_message: Message  # the ticket's first message: text and (sanitized) HTML
    agent_reply: Message  # text only: the reply email builds its HTML part from the text
    agent_html_reply: Message
    note: Message  # internal
    org_admin: Customer  # an organization admin of the hostile organization (sees who asked)
    filenames: dict[str, str] = field(default_factory=dict)  # label -> stored (sanitized) name
    attachments: list = field(default_factory=list)  # every attachment of `ticket`


def hostile_email(*, to: str = "soporte@example.mx") -> bytes:
    message = EmailMessage()
    message["From"] = formataddr((MAIL_FROM_NAME, "hostil@correo-hostil.mx"))
    message["To"] = to
    message["Subject"] = MAIL_SUBJECT
    message["Message-ID"] = make_msgid(domain="correo-hostil.mx")
    message.set_content(MAIL_TEXT)
    message.add_alternative(MAIL_HTML, subtype="html")
    message.add_attachment(b"hola", maintype="text", subtype="plain", filename=MAIL_FILENAME)
    return message.as_bytes()


def plant(world) -> Planted:
    """The whole corpus, as users, admins and the mail channel would store it."""
    branding_update(actor=None, changes={"company_name": COMPANY})
    organization = organization_create(actor=None, name=ORGANIZATION, segment=Segment.PYME)
    customer = customer_create(name=CUSTOMER_NAME, identities={"email": "mala@hostil.mx"}, organization=organization,
                               password=PASSWORD)
    # The name greetings use carries the payload too (customer.greeting_name).
    customer = customer_update(actor=world.admin, customer=customer,
                               changes={"notes": CUSTOMER_NOTES, "preferred_name": CUSTOMER_NAME[:100]})
    org_admin = customer_create(name=f"XORGADMIN {IMG_BARE}", identities={"email": "jefa@hostil.mx"},
                                organization=organization, is_organization_admin=True, password=PASSWORD)
    agent = agent_create(email="hostil@example.mx", name=AGENT_NAME, password=PASSWORD, teams=[world.team1])
    # Admin-defined fields have no service (the Django admin edits them): made as the admin would.
    CustomField.objects.create(key="referencia", label=FIELD_LABEL, kind=CustomFieldKind.TEXT)

    uploads = [
        SimpleUploadedFile(FILENAMES["quotes"], b"%PDF-1.4 hola"),
        SimpleUploadedFile(FILENAMES["rtl"], b"MZ hola"),
    ]
    ticket = ticket_create(actor=customer.user, subject=SUBJECT, body=BODY, body_html=BODY_HTML,
                           custom_fields={"referencia": FIELD_VALUE}, uploads=uploads)
    ticket = ticket_update(actor=world.admin, ticket=ticket,
                           changes={"team": world.team1, "assignee": agent, "tags": [TAG, "normal"]})
    customer_message = ticket.messages.get()
    agent_reply = message_create(actor=agent, ticket=ticket, body=REPLY)
    agent_html_reply = message_create(actor=agent, ticket=ticket, body=REPLY_HTML_TEXT, body_html=BODY_HTML)
    note = message_create(actor=agent, ticket=ticket, body=NOTE, internal=True)
    message_create(actor=customer.user, ticket=ticket, body=CUSTOMER_REPLY, uploads=[
        SimpleUploadedFile(FILENAMES["zero_width"], b"hola"),
        SimpleUploadedFile(FILENAMES["path"], HTML_FILE),
        SimpleUploadedFile("XSVGFILE dibujo.svg", SVG_FILE),
    ])
    ticket_refer(actor=world.admin, ticket=ticket, collaborator=world.collaborator, note=REFER_NOTE)

    other = ticket_create(actor=customer.user, subject=SUBJECT_OTHER, body=BODY)
    other = ticket_update(actor=world.admin, ticket=other, changes={"team": world.team1})
    ticket_link(actor=world.admin, source=ticket, target=other, kind=LinkKind.RELATED)

    result = ingest(hostile_email(), source="file")
    assert result.outcome == Outcome.NEW_TICKET, result
    mail_ticket = Ticket.objects.get(pk=result.ticket_id)

    view = saved_view_create(owner=world.agent1, name=VIEW_NAME, filters=InboxFilters(team="mine"),
                             ordering=InboxSort.UPDATED)
    attachments = list(Attachment.objects.filter(message__ticket=ticket).order_by("id"))
    return Planted(
        organization=organization, customer=customer, agent=agent, ticket=Ticket.objects.get(pk=ticket.pk),
        other_ticket=other, mail_ticket=mail_ticket, mail_customer=mail_ticket.requester, view=view,
        customer_message=customer_message, agent_reply=agent_reply, agent_html_reply=agent_html_reply, note=note,
        org_admin=org_admin,
        filenames={label: sanitize_filename(name) for label, name in FILENAMES.items()}, attachments=attachments,
    )


# --- scanning -------------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
                  "srcset", "ping", "codebase", "manifest", "lowsrc", "dynsrc"}
# <svg> and <math> are not listed: our own pages (the Django admin) draw icons with inline SVG; one
# that came from user data is caught by its handler (on*), its <script> or its javascript: URL.
DANGEROUS_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
_SCHEME = re.compile(r"^\s*([a-z0-9+.\-]+):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def url_scheme(value: str) -> str:
    """The scheme a browser would see: it skips control characters and whitespace anywhere."""
    cleaned = _INVISIBLE.sub("", value)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


@dataclass
class Scan:
    problems: list[str] = field(default_factory=list)  # things that could run script
    inline_scripts: list[str] = field(default_factory=list)  # code in <script> without src
    script_srcs: list[str] = field(default_factory=list)
    json_scripts: int = 0
    style_attributes: list[str] = field(default_factory=list)  # "<tag style=...>"
    style_elements: int = 0
    text: str = ""  # every text node (entities decoded), outside script and style
    attribute_values: list[str] = field(default_factory=list)
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)

    def shows(self, expected: str) -> bool:
        """Is `expected` visible as text (or kept as an attribute value, e.g. an input's)?"""
        return expected in self.text or any(expected in value for value in self.attribute_values)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = Scan()
        self._texts: list[str] = []
        self._in: list[str] = []  # open script/style element, with what it is

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag == "script":
            kinds = dict(attrs)
            if kinds.get("src"):
                self.result.script_srcs.append(kinds["src"] or "")
                self._in.append("script-src")
            elif (kinds.get("type") or "").lower() == "application/json":
                self.result.json_scripts += 1
                self._in.append("script-json")
            else:
                self._in.append("script-inline")
        elif tag == "style":
            self.result.style_elements += 1
            self._in.append("style")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        where = self._in[-1] if self._in else ""
        if where == "script-inline":
            if data.strip():
                self.result.inline_scripts.append(data.strip()[:200])
                self.result.problems.append(f"inline <script>: {data.strip()[:120]!r}")
        elif where in ("script-src", "script-json", "style"):
            if MARKER in data:
                self.result.problems.append(f"marker inside <{where}>: {data.strip()[:120]!r}")
        else:
            self._texts.append(data)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs}
        self.result.tags.append((tag, values))
        if MARKER in tag or any(MARKER in name for name, _value in attrs):
            self.result.problems.append(f"marker in a tag or attribute name: <{tag} {attrs!r}>")
        if tag in DANGEROUS_TAGS:
            self.result.problems.append(f"<{tag}> element: {attrs!r}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.result.problems.append(f"<meta http-equiv=refresh>: {attrs!r}")
        for name, value in attrs:
            text = value or ""
            self.result.attribute_values.append(text)
            if name.startswith("on"):
                self.result.problems.append(f"event handler {name}= on <{tag}>: {text[:120]!r}")
            elif name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.result.problems.append(f"htmx handler {name}= on <{tag}>: {text[:120]!r}")
            elif name == "srcdoc":
                self.result.problems.append(f"srcdoc= on <{tag}>")
            elif name in URL_ATTRIBUTES:
                scheme = url_scheme(text)
                if scheme in ("javascript", "vbscript", "livescript") or (scheme == "data" and tag != "img"):
                    self.result.problems.append(f"{scheme}: URL in {name}= on <{tag}>: {text[:120]!r}")
            elif name == "style":
                self.result.style_attributes.append(f"<{tag} style={text[:80]!r}>")
                if MARKER in text or "javascript" in text.lower():
                    self.result.problems.append(f"style= with script on <{tag}>: {text[:120]!r}")

    def close(self) -> None:
        super().close()
        self.result.text = "".join(self._texts)


def scan(html: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.result
