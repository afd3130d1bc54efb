"""The stored-XSS corpus (tests/security/hostile.py) in Chromium: every payload would set
`window.__xss` and open an alert if it ran. With the corpus planted, agents and customers visit
the inbox, quick search, ticket pages, the customer page and the portal, and live updates bring
hostile names and messages into open pages. Nothing may open a dialog, set the marker, trip the
Content-Security-Policy (a violation means markup got through and only the policy stopped it),
throw a script error, or leave an element with a handler or a `javascript:` URL in the live DOM.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from atiende.accounts.services import token_issue
from conftest import PASSWORD
from tests.security import hostile
from tests.security.hostile import plant

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIVE_WAIT_MS = 10_000

# Runs before the page's own scripts (through the DevTools protocol, so the CSP does not apply).
LISTEN_FOR_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`);
});
"""

# Elements in the live DOM (after htmx swaps and live updates) that could run script.
DOM_PROBLEMS = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on") || name === "srcdoc") {
        found.push(`${element.tagName} ${name}=${attribute.value}`);
      } else if (urlAttributes.includes(name) && /^(javascript|vbscript|data):/.test(value)) {
        found.push(`${element.tagName} ${name}=${attribute.value}`);
      }
    }
    if (element.tagName === "SCRIPT" && !element.src && !/json/i.test(element.type) && element.textContent.trim()) {
      found.push(`inline script: ${element.textContent.slice(0, 80)}`);
    }
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "FRAME"].includes(element.tagName)) found.push(element.tagName);
  }
  return found;
}"""


class Watch:
    """Everything a page does that would show an injection, for one page."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp_messages: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.add_init_script(LISTEN_FOR_VIOLATIONS)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            self.csp_messages.append(message.text)

    def provoke(self) -> None:
        """Hover and focus what the corpus planted: handlers such as onmouseover or onfocus fire."""
        labels = self.page.get_by_text(hostile.MARKER)
        for index in range(min(labels.count(), 25)):
            label = labels.nth(index)
            if label.is_visible():
                label.hover()
        for _step in range(12):
            self.page.keyboard.press("Tab")

    def assert_inert(self, where: str) -> None:
        self.provoke()
        self.page.wait_for_timeout(100)  # a handler that fired gets to run
        assert self.page.evaluate("() => window.__xss") is None, where
        assert self.dialogs == [], where
        assert self.page.evaluate("() => window.__violations") == [], where
        assert self.csp_messages == [], where
        assert self.errors == [], where
        assert self.page.evaluate(DOM_PROBLEMS) == [], where


def watched(new_page, **options: Any):
    page = new_page(**options)
    return page, Watch(page)


@pytest.fixture
def planted(world):
    return plant(world)


def test_agent_pages_show_the_corpus_as_text(world, planted, asgi_server, new_page, login):
    page, watch = watched(new_page)
    login(page, asgi_server, world.agent1.email, PASSWORD)

    page.goto(f"{asgi_server.url}/bandeja/?view=open")
    expect(page.locator("#inbox-rows")).to_contain_text(hostile.SUBJECT)
    expect(page.locator("#inbox-rows")).to_contain_text(hostile.CUSTOMER_NAME)
    expect(page.locator("#view-counts")).to_contain_text(hostile.VIEW_NAME)
    watch.assert_inert("inbox")

    page.goto(f"{asgi_server.url}/bandeja/?view={planted.view.pk}")
    expect(page.locator("h1")).to_contain_text(hostile.VIEW_NAME)
    watch.assert_inert("saved view")

    # The header's quick search: suggestions arrive as an htmx fragment.
    page.locator("#quick-search").press_sequentially("XSUBJ", delay=30)
    expect(page.locator("#quick-search-results")).to_contain_text(hostile.SUBJECT)
    watch.assert_inert("search suggestions")
    page.locator("#quick-search").press("Enter")
    expect(page.locator("main")).to_contain_text(hostile.SUBJECT)
    watch.assert_inert("search results")

    page.goto(f"{asgi_server.url}/bandeja/buscar/?q={hostile.IMG}")
    expect(page.locator("h1")).to_contain_text(hostile.IMG)
    watch.assert_inert("search for a payload")

    page.goto(f"{asgi_server.url}/tickets/{planted.ticket.number}/")
    expect(page.locator("#ticket-title")).to_contain_text(hostile.SUBJECT)
    assert hostile.SUBJECT in page.title()
    timeline = page.locator("#timeline")
    for text in (hostile.REPLY, hostile.NOTE, hostile.CUSTOMER_REPLY, "XSAFELINK", *planted.filenames.values()):
        expect(timeline).to_contain_text(text)
    expect(page.locator("#requester")).to_contain_text(hostile.SUBJECT_OTHER)
    expect(page.locator("#properties")).to_contain_text(hostile.FIELD_LABEL)
    watch.assert_inert("ticket page")

    page.goto(f"{asgi_server.url}/tickets/{planted.mail_ticket.number}/")
    expect(page.locator("#ticket-title")).to_contain_text(hostile.collapsed(hostile.MAIL_SUBJECT))
    expect(page.locator("#timeline")).to_contain_text("XMAILHTML")
    watch.assert_inert("emailed ticket")

    page.goto(f"{asgi_server.url}/clientes/{planted.customer.pk}/")
    expect(page.locator("#customer-title")).to_contain_text(hostile.CUSTOMER_NAME)
    watch.assert_inert("customer page")


def test_live_updates_bring_hostile_names_and_messages_in_inert(world, planted, asgi_server, new_page, login):
    ticket_page, ticket_watch = watched(new_page)
    login(ticket_page, asgi_server, world.agent1.email, PASSWORD)
    ticket_page.goto(f"{asgi_server.url}/tickets/{planted.ticket.number}/")
    inbox_page, inbox_watch = watched(new_page)
    login(inbox_page, asgi_server, world.agent1.email, PASSWORD)
    inbox_page.goto(f"{asgi_server.url}/bandeja/?view=open")
    refreshed: list[str] = []
    inbox_page.on("request", lambda request: "/bandeja/filas/" in request.url and refreshed.append(request.url))

    # The agent whose name is a payload opens the same ticket: the presence line names them.
    intruder, intruder_watch = watched(new_page)
    login(intruder, asgi_server, planted.agent.email, PASSWORD)
    intruder.goto(f"{asgi_server.url}/tickets/{planted.ticket.number}/")
    expect(ticket_page.locator("#presence")).to_contain_text(hostile.AGENT_NAME, timeout=LIVE_WAIT_MS)
    intruder.locator("#composer textarea[name=body]").press_sequentially("tecleando", delay=40)
    expect(ticket_page.locator("#presence")).to_contain_text(hostile.AGENT_NAME, timeout=LIVE_WAIT_MS)

    # The customer answers through the API, with hostile text and HTML: the open ticket page
    # appends it and the inbox refreshes its rows.
    token = token_issue(user=planted.customer.user)
    answer = ticket_page.request.post(
        f"{asgi_server.url}/api/v1/tickets/{planted.ticket.pk}/messages/",
        headers={"Authorization": f"Token {token}"},
        data={"body": f"XLIVE {hostile.SCRIPT} {hostile.IMG}", "body_html": f"<p>XLIVEHTML</p>{hostile.BODY_HTML}"},
    )
    assert answer.status == 201, answer.text()
    expect(ticket_page.locator("#timeline")).to_contain_text("XLIVEHTML", timeout=LIVE_WAIT_MS)
    expect(inbox_page.locator("#inbox-rows")).to_contain_text(hostile.SUBJECT)
    inbox_page.wait_for_timeout(1500)  # more than the refresh's debounce
    assert refreshed != []

    ticket_watch.assert_inert("ticket page after live updates")
    inbox_watch.assert_inert("inbox after a live refresh")
    intruder_watch.assert_inert("the hostile agent's own page")
    # Leave the pages so their sockets finish closing now: the server's drain after the test
    # fails on a socket that is still half-closed (tests/browser/conftest.py, AsgiServer.drain).
    for page in (ticket_page, inbox_page, intruder):
        page.goto("about:blank")
    intruder.wait_for_timeout(500)


@pytest.mark.parametrize("who", ["customer", "org_admin"])
def test_portal_pages_show_the_corpus_as_text(world, planted, asgi_server, new_page, login, who, settings):
    page, watch = watched(new_page, **PHONE)
    login(page, asgi_server, getattr(planted, who).user.email, PASSWORD)

    page.goto(f"{asgi_server.url}/soporte/")
    expect(page.locator("main")).to_contain_text(hostile.SUBJECT)
    expect(page.locator("main")).to_contain_text(hostile.SUBJECT_OTHER)
    watch.assert_inert("portal home")

    page.goto(f"{asgi_server.url}/soporte/solicitudes/{planted.ticket.number}/")
    expect(page.locator("#request-title")).to_contain_text(hostile.SUBJECT)
    conversation = page.locator(".conversation")
    for text in (hostile.BODY, hostile.REPLY, hostile.CUSTOMER_REPLY, hostile.AGENT_NAME, *planted.filenames.values()):
        expect(conversation).to_contain_text(text)
    expect(conversation).not_to_contain_text("XNOTE")
    watch.assert_inert("portal request")

    # A refused reply comes back in the textarea, where "</textarea>" would break out.
    settings.ATTACHMENT_MAX_BYTES = 1024  # the server runs in this process: a small file is too large
    page.locator("#reply textarea").fill(hostile.TEXTAREA_BREAK)
    page.locator("#reply input[type=file]").set_input_files(
        files=[{"name": hostile.FILENAMES["quotes"], "mimeType": "text/plain", "buffer": b"x" * (settings.ATTACHMENT_MAX_BYTES + 1)}]
    )
    with page.expect_navigation():
        page.locator("#reply button[type=submit]").click()
    expect(page.locator("#reply textarea")).to_have_value(hostile.TEXTAREA_BREAK)
    expect(page.locator("#reply [role=alert]").first).to_be_visible()
    watch.assert_inert("portal reply refused")


def test_the_watch_sees_an_injection_that_only_the_policy_stopped(world, live_server, new_page):
    """The checks above can fail: markup with a handler put into one of our pages is reported by
    the policy and by the DOM scan, and a page without our policy runs it and opens the dialog."""
    page, watch = watched(new_page)
    page.goto(f"{live_server.url}/cuenta/entrar/")
    page.evaluate("""() => document.querySelector("main").insertAdjacentHTML(
        "beforeend", '<img src="/x" onerror="window.__xss=1;alert(1)"><a href="javascript:alert(1)">x</a>')""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__xss") is None  # the policy refused the inline handler
    assert [v.split()[0] for v in page.evaluate("() => window.__violations")] == ["script-src-attr"]
    assert page.evaluate(DOM_PROBLEMS) == ["IMG onerror=window.__xss=1;alert(1)", "A href=javascript:alert(1)"]

    bare, bare_watch = watched(new_page)
    bare.set_content(hostile.IMG)
    bare.wait_for_timeout(300)
    assert bare.evaluate("() => window.__xss") == 1 and bare_watch.dialogs == ["alert: 1"]
