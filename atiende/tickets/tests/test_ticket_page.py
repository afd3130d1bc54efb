"""The agent's ticket page: who may open it, what it shows, the timeline and its fragment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.test import Client

from atiende.core import clock
from atiende.core.clock import frozen_at
from atiende.mail.services import ingest
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import Message, Ticket, TicketEvent
from atiende.tickets.services import message_create, ticket_create, ticket_link, ticket_update

pytestmark = pytest.mark.django_db
BACKEND = "atiende.accounts.backends.EmailBackend"
NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def page_of(ticket: Ticket) -> str:
    return f"/tickets/{ticket.number}/"


def ids_in_timeline(html: str) -> list[str]:
    timeline = html[html.index('<ol id="timeline"'):html.index("</ol>", html.index('<ol id="timeline"'))]
    return re.findall(r'<li id="(item-[me]\d+)"', timeline)


# --- who may open it ----------------------------------------------------------------------------

def test_agents_of_the_team_open_the_page_and_see_header_and_dom_contract(world):
    with frozen_at(NOW - timedelta(minutes=30)):
        always = Calendar.objects.get(name="24/7")
        policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 120, "calendar": always.pk}})
        ticket = ticket_create(actor=world.agent1, subject="Se cayó la tienda", body="No carga", requester=world.customer_a,
                               team=world.team1)
    with frozen_at(NOW):
        response = browser(world.agent1).get(page_of(ticket))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<section id="ticket" class="ticket" data-ticket-id="{ticket.pk}"' in html
    assert f'<h1 id="ticket-title"><span class="ticket-number">#{ticket.number}</span> Se cayó la tienda</h1>' in html
    assert '<span class="sla sla-ok"' in html and "1 h 30 min left" in html
    assert f'<a href="/clientes/{world.customer_a.pk}/">Ana Cliente</a>' in html
    assert '<div id="presence" class="presence" aria-live="polite"' in html
    assert 'data-typing-one="{name} is typing a reply…"' in html
    assert f'data-since-url="/tickets/{ticket.number}/conversacion/"' in html
    assert '<form id="composer"' in html and '<textarea id="composer-body" name="body"' in html
    first = ticket.messages.get()
    assert f'name="last_message_id" value="{first.pk}"' in html
    assert f'<li id="item-m{first.pk}" data-message-id="{first.pk}"' in html
    for key in ("r", "n", "a"):
        assert re.search(rf'data-shortcut="{key}" data-shortcut-label="[^"]+"', html)


@pytest.mark.parametrize("who", ["agent2", "customer", "colleague", "anonymous"])
def test_people_outside_the_ticket_get_a_404_or_the_sign_in(world, who):
    user = {"agent2": world.agent2, "customer": world.customer_a.user, "colleague": world.colleague_a.user,
            "anonymous": None}[who]
    ticket = world.ticket_a  # team 1's, customer A's own
    for path in (page_of(ticket), f"{page_of(ticket)}conversacion/?despues=1"):
        response = browser(user).get(path)
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/cuenta/entrar/")
        else:
            assert response.status_code == 404
            assert ticket.subject not in response.content.decode()


def test_unknown_and_impossible_numbers_are_404(world):
    client = browser(world.admin)
    assert client.get("/tickets/999999/").status_code == 404
    assert client.get("/tickets/99999999999999999999999/").status_code == 404


def test_a_referred_collaborator_reads_and_writes_notes_but_edits_nothing(world):
    html = browser(world.collaborator).get(page_of(world.ticket_a)).content.decode()
    assert '<form id="composer"' in html
    assert 'value="internal" id="composer-kind-internal" checked' in html
    assert 'value="public"' not in html
    assert '<section id="properties"' in html and "only its team can change it" in html
    assert 'action="/tickets/' + str(world.ticket_a.number) + '/tomar/"' not in html
    assert f'<a href="/clientes/{world.customer_a.pk}/">' not in html  # customer records are for staff


# --- the timeline -------------------------------------------------------------------------------

def test_timeline_interleaves_messages_and_events_oldest_first_and_marks_notes(world):
    ticket, later = world.ticket_a, clock.now() + timedelta(hours=1)
    with frozen_at(later):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Revisamos el DNS")
    with frozen_at(later + timedelta(minutes=5)):
        note = message_create(actor=world.agent1, ticket=ticket, body="Parece el registrador", internal=True)
    with frozen_at(later + timedelta(minutes=10)):
        ticket_update(actor=world.agent1, ticket=ticket, changes={"priority": "high"})

    html = browser(world.agent1).get(page_of(ticket)).content.decode()

    first, referral = ticket.messages.order_by("created_at", "id")[:2]
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id"))
    created, routed, referred, opened, priority = events
    assert (opened.field, priority.field) == ("status", "priority")
    assert ids_in_timeline(html) == [
        f"item-m{first.pk}", f"item-e{created.pk}", f"item-e{routed.pk}", f"item-m{referral.pk}", f"item-e{referred.pk}",
        f"item-m{reply.pk}", f"item-e{opened.pk}", f"item-m{note.pk}", f"item-e{priority.pk}",
    ]
    note_html = html[html.index(f'<li id="item-m{note.pk}"'):html.index(f'<li id="item-e{priority.pk}"')]
    assert 'class="item message author-agent internal"' in note_html
    assert '<span class="kind-label kind-internal">Internal note</span>' in note_html
    assert 'class="channel"' not in note_html  # a note goes out on no channel
    reply_html = html[html.index(f'<li id="item-m{reply.pk}"'):html.index(f'<li id="item-e{opened.pk}"')]
    assert "internal" not in reply_html and '<span class="kind-label kind-public">Public reply</span>' in reply_html
    assert f'<span class="channel">via {ticket.get_channel_display()}</span>' in reply_html
    assert "Ulises Uno changed the status from New to Open." in html
    assert "Ulises Uno changed the priority from Normal to High." in html
    assert "Ada Admin referred the ticket to Carlos Colabora" in html


def test_message_html_is_shown_sanitized_and_text_escaped(world):
    ticket = ticket_create(
        actor=world.agent1, subject="<img src=x onerror=alert(1)>", requester=world.customer_a, team=world.team1,
        body="<script>alert(2)</script>", body_html='<p>Hola <b>ok</b></p><img src=x onerror="alert(3)"><a href="javascript:alert(4)">x</a>',
    )
    message_create(actor=world.agent1, ticket=ticket, body="<script>alert(5)</script> & más")
    Message.objects.filter(ticket=ticket, body_html="").update(body_html='<p onclick="alert(6)">raw</p><script>alert(7)</script>')

    html = browser(world.agent1).get(page_of(ticket)).content.decode()

    assert "<p>Hola <b>ok</b></p>" in html
    for payload in ("<img src=x onerror", 'onerror="alert', "<script>alert", 'href="javascript:', "onclick="):
        assert payload not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<p>raw</p>" in html  # an unsanitized row is cleaned when shown


def test_names_tags_and_filenames_render_inert_everywhere_on_the_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create
    from atiende.customers.services import customer_create

    evil = '<img src=x onerror="alert(1)">'
    agent_create(email="evil@example.mx", name=evil, role=Role.AGENT, password="x" * 12, teams=[world.team1])
    requester = customer_create(name=evil, identities={"email": "evil@tienda-a.mx"}, organization=world.org_a)
    ticket = ticket_create(actor=world.agent1, subject=evil, body="x", requester=requester, team=world.team1,
                           tags=["<b>tag</b>"], uploads=[SimpleUploadedFile(f"{evil}.txt", b"x")])
    ticket_update(actor=world.agent1, ticket=ticket, changes={"subject": f"{evil} 2"})

    html = browser(world.agent1).get(page_of(ticket)).content.decode()
    customer_html = browser(world.agent1).get(f"/clientes/{requester.pk}/").content.decode()

    for page in (html, customer_html):
        assert "<img src=x" not in page and '<img src="x"' not in page and "<b>tag" not in page
    assert '<option value="' in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</option>" in html


def test_attachments_are_listed_with_their_download_link(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    message = message_create(actor=world.agent1, ticket=world.ticket_a, body="Adjunto el log",
                             uploads=[SimpleUploadedFile("dns <log>.txt", b"nslookup tienda-a.mx\n")])
    attachment = message.attachments.get()
    html = browser(world.agent1).get(page_of(world.ticket_a)).content.decode()
    assert f'<a href="/tickets/adjuntos/{attachment.public_id}/">dns log.txt</a> <span class="size">(21' in html


def test_email_messages_link_to_their_original_shown_as_plain_text(world):
    raw = EmailMessage()
    raw["From"], raw["To"], raw["Subject"] = "Ana Cliente <ana@tienda-a.mx>", "soporte@example.mx", "Sin correo"
    raw["Message-ID"] = make_msgid(domain="tienda-a.mx")
    raw.set_content("<script>alert(1)</script> ya no me llegan correos")
    ticket = Ticket.objects.get(pk=ingest(raw.as_bytes(), source="file", answer=False).ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"team": world.team1})
    message = ticket.messages.get()
    url = f"/tickets/{ticket.number}/mensajes/{message.pk}/original/"

    html = browser(world.agent1).get(page_of(ticket)).content.decode()
    original = browser(world.agent1).get(url)

    assert f'<a href="{url}">View the original email</a>' in html
    assert original.status_code == 200 and original["Content-Type"] == "text/plain; charset=utf-8"
    assert original["X-Content-Type-Options"] == "nosniff" and "sandbox" in original["Content-Security-Policy"]
    assert b"Subject: Sin correo" in b"".join(original.streaming_content)
    assert browser(world.agent2).get(url).status_code == 404  # another team's agent
    other = world.ticket_a.messages.first()
    assert browser(world.agent1).get(f"/tickets/{ticket.number}/mensajes/{other.pk}/original/").status_code == 404


def test_timeline_fragment_returns_only_items_after_the_given_message(world):
    ticket = world.ticket_a
    anchor = ticket.messages.order_by("created_at", "id").last()
    with frozen_at(clock.now() + timedelta(hours=1)):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Nuevo")
    referred = TicketEvent.objects.get(ticket=ticket, field="collaborator_added")  # recorded just after `anchor`
    opened = TicketEvent.objects.get(ticket=ticket, field="status")
    client = browser(world.agent1)

    response = client.get(f"{page_of(ticket)}conversacion/?despues={anchor.pk}")
    assert response.status_code == 200
    assert re.findall(r'<li id="(item-[me]\d+)"', response.content.decode()) == [
        f"item-e{referred.pk}", f"item-m{reply.pk}", f"item-e{opened.pk}",
    ]
    latest = client.get(f"{page_of(ticket)}conversacion/?despues={reply.pk}").content.decode()
    assert re.findall(r'<li id="(item-[me]\d+)"', latest) == [f"item-e{opened.pk}"]  # the event it caused


@pytest.mark.parametrize(("value", "status"), [("", 400), ("abc", 400), ("-1", 400), ("99999999999999999999", 400),
                                               ("999999", 404), ("other", 404)])
def test_timeline_fragment_validates_the_message_id(world, value, status):
    if value == "other":  # a message of a ticket this agent cannot see
        value = str(world.ticket_b.messages.first().pk)
    response = browser(world.agent1).get(f"{page_of(world.ticket_a)}conversacion/?despues={value}")
    assert response.status_code == status
    assert "Factura duplicada" not in response.content.decode()


# --- requester card and relations ---------------------------------------------------------------

def test_requester_card_shows_organization_and_only_visible_recent_tickets(world):
    from atiende.customers.models import SupportPlan

    plan = SupportPlan.objects.create(name="Oro")
    world.org_a.support_plan, world.org_a.account_manager = plan, world.supervisor
    world.org_a.save()
    mine = [ticket_create(actor=world.agent1, subject=f"Otro {n}", body="x", requester=world.customer_a, team=world.team1)
            for n in range(6)]
    hidden = ticket_create(actor=world.admin, subject="De otro equipo", body="x", requester=world.customer_a, team=world.team2)

    html = browser(world.agent1).get(page_of(world.ticket_a)).content.decode()
    card = html[html.index('<section id="requester"'):html.index("</section>", html.index('<section id="requester"'))]

    assert "<dt>Organization</dt><dd>Tienda A</dd>" in card and "<dt>Segment</dt><dd>SMB (PyME)</dd>" in card
    assert "<dt>Plan</dt><dd>Oro</dd>" in card and "<dt>Account manager</dt><dd>Sara Supervisora</dd>" in card
    assert "ana@tienda-a.mx" in card
    listed = re.findall(r'<a href="/tickets/(\d+)/">', card)
    assert listed == [str(t.number) for t in reversed(mine[1:])]  # five, latest first, not this one
    assert str(hidden.number) not in listed and "De otro equipo" not in html


def test_links_show_only_tickets_the_agent_may_see(world):
    child = ticket_create(actor=world.agent1, subject="Hijo", body="x", requester=world.customer_a, team=world.team1)
    ticket_link(actor=world.admin, source=world.ticket_a, target=child, kind="parent")
    ticket_link(actor=world.admin, source=world.ticket_a, target=world.ticket_b, kind="related")

    html = browser(world.agent1).get(page_of(world.ticket_a)).content.decode()
    relations = html[html.index('<ul class="relations">'):]
    assert f'<span class="relation-kind">Parent of</span>\n      <a href="/tickets/{child.number}/">' in relations
    assert "Factura duplicada" not in html  # team 2's ticket stays unnamed
    child_html = browser(world.agent1).get(page_of(child)).content.decode()
    assert f'<span class="relation-kind">Child of</span>\n      <a href="/tickets/{world.ticket_a.number}/">' in child_html


def test_a_long_conversation_opens_on_its_newest_messages_and_offers_the_rest(world, monkeypatch):
    from atiende.tickets import selectors

    monkeypatch.setattr(selectors, "TIMELINE_MESSAGES", 3)
    with frozen_at(NOW):
        ticket = ticket_create(actor=world.agent1, subject="Hilo largo", body="Mensaje 0", requester=world.customer_a,
                               team=world.team1)
    with frozen_at(NOW + timedelta(minutes=1)):
        ticket_update(actor=world.admin, ticket=ticket, changes={"priority": "high"})  # before the window
    for n in range(1, 5):
        with frozen_at(NOW + timedelta(minutes=n + 1)):
            message_create(actor=world.agent1 if n % 2 else world.customer_a.user, ticket=ticket, body=f"Mensaje {n}")
    with frozen_at(NOW + timedelta(minutes=7)):
        ticket_update(actor=world.admin, ticket=ticket, changes={"priority": "urgent"})  # inside it
    newest = ticket.messages.order_by("-created_at", "-id").first()

    html = browser(world.agent1).get(page_of(ticket)).content.decode()
    assert html.count('data-message-id="') == 3
    assert "Mensaje 2" in html and "Mensaje 4" in html and "Mensaje 1" not in html
    assert "changed the priority from High to Urgent" in html and "from Normal to High" not in html
    assert "Earlier messages are not shown." in html and f'href="/tickets/{ticket.number}/?completo=1#timeline"' in html
    assert f'name="last_message_id" value="{newest.pk}"' in html

    whole = browser(world.agent1).get(f"{page_of(ticket)}?completo=1").content.decode()
    assert whole.count('data-message-id="') == 5 and "Mensaje 0" in whole and "from Normal to High" in whole
    assert "Earlier messages are not shown." not in whole
    assert f'name="last_message_id" value="{newest.pk}"' in whole

    # A change made from the whole conversation (htmx) re-renders it whole, and from the page as
    # it opens, as it opens.
    client = browser(world.agent1)
    for address, messages in ((f"{page_of(ticket)}?completo=1", 5), (page_of(ticket), 3)):
        changed = client.post(f"{page_of(ticket)}tomar/", HTTP_HX_REQUEST="true",
                              HTTP_HX_CURRENT_URL=f"http://testserver{address}").content.decode()
        timeline = changed[changed.index('<ol id="timeline"'):]
        assert timeline[:timeline.index("</ol>")].count('data-message-id="') == messages, address
    hostile = client.post(f"{page_of(ticket)}tomar/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://[::1/?completo=1")
    assert hostile.status_code == 200  # a malformed address from the browser is ignored, not a 500


# --- query counts -------------------------------------------------------------------------------

def _busy_ticket(world) -> Ticket:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = world.ticket_a
    for n in range(19):  # with the first message: 20
        message_create(actor=world.agent1 if n % 2 else world.customer_a.user, ticket=ticket, body=f"Mensaje {n}",
                       internal=n % 6 == 5, uploads=[SimpleUploadedFile(f"f{n}.txt", b"x")] if n % 4 == 0 else [])
    return ticket


def test_ticket_page_query_count_is_pinned_with_20_messages(world, django_assert_num_queries):
    ticket = _busy_ticket(world)
    assert ticket.messages.count() == 21  # 20 messages and the referral note
    client = browser(world.agent1)
    client.get(page_of(ticket))
    # session, user, team ids, ticket, tags, messages, attachments, emails, events, customer,
    # identities, recent tickets, links, collaborators, agents copied on an email, teams, agents,
    # custom fields
    with django_assert_num_queries(18):
        response = client.get(page_of(ticket))
    assert response.status_code == 200 and response.content.decode().count('data-message-id="') == 21


def test_timeline_fragment_query_count_is_pinned(world, django_assert_num_queries):
    ticket = _busy_ticket(world)
    first = ticket.messages.order_by("created_at", "id").first()
    client = browser(world.agent1)
    client.get(f"{page_of(ticket)}conversacion/?despues={first.pk}")  # warm caches (branding)
    # session, user, team ids, ticket, the anchor message, messages, attachments, emails, events
    with django_assert_num_queries(9):
        response = client.get(f"{page_of(ticket)}conversacion/?despues={first.pk}")
    assert response.content.decode().count('data-message-id="') == 20
