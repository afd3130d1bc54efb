"""What agents do on the ticket page: reply, note, properties and the actions panel."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from atiende.tickets.models import Attachment, CustomField, Message, Ticket, TicketEvent, TicketLink
from atiende.tickets.services import message_create, ticket_create, ticket_update

pytestmark = pytest.mark.django_db
BACKEND = "atiende.accounts.backends.EmailBackend"
HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend=BACKEND)
    return client


def url(ticket: Ticket, action: str = "") -> str:
    return f"/tickets/{ticket.number}/{action}"


def newest_id(ticket: Ticket) -> int:
    return ticket.messages.order_by("-created_at", "-id").values_list("pk", flat=True).first()


def reply_data(ticket: Ticket, **fields) -> dict:
    return {"kind": "public", "body": "Ya quedó el DNS", "last_message_id": newest_id(ticket), **fields}


# --- the composer -------------------------------------------------------------------------------

def test_a_reply_with_an_attachment_is_sent_and_the_page_comes_back_to_it(world):
    ticket = world.ticket_a
    upload = SimpleUploadedFile("captura.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40, content_type="image/png")

    client = browser(world.agent1)
    response = client.post(url(ticket, "responder/"), reply_data(ticket, attachments=[upload]))

    message = Message.objects.get(ticket=ticket, body_text="Ya quedó el DNS")
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/#item-m{message.pk}"
    assert (message.kind, message.author_user, message.channel) == ("public", world.agent1, ticket.channel)
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == ("captura.png", "image/png", 48)
    page = client.get(response["Location"]).content.decode()
    assert "Reply sent." in page and f'href="/tickets/adjuntos/{attachment.public_id}/">captura.png</a>' in page
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_note_sent_with_htmx_returns_a_fresh_composer_and_the_timeline_out_of_band(world):
    ticket = world.ticket_a

    response = browser(world.agent1).post(url(ticket, "responder/"), reply_data(ticket, kind="internal", body="Solo interno"), **HTMX)

    note = Message.objects.get(ticket=ticket, body_text="Solo interno")
    html = response.content.decode()
    assert response.status_code == 200 and note.kind == "internal" and note.channel == "internal"
    assert html.startswith("\n<form id=\"composer\"") or html.lstrip().startswith('<form id="composer"')
    assert f'name="last_message_id" value="{note.pk}"' in html and "Internal note added." in html
    assert '<ol id="timeline"' in html and 'hx-swap-oob="true"' in html and f'<li id="item-m{note.pk}"' in html
    assert '<textarea id="composer-body" name="body" rows="6" aria-describedby="composer-feedback"></textarea>' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_an_empty_reply_is_refused_with_a_message_and_nothing_saved(world, htmx):
    ticket, before = world.ticket_a, Message.objects.count()

    response = browser(world.agent1).post(url(ticket, "responder/"), reply_data(ticket, body="   "), **(HTMX if htmx else {}))

    html = response.content.decode()
    assert response.status_code == 400 and "Write a message." in html and "Nothing was sent." in html
    assert Message.objects.count() == before
    if htmx:
        assert response["HX-Retarget"] == "#composer-feedback" and '<form id="composer"' not in html
    else:
        assert '<form id="composer"' in html and '<section id="ticket"' in html


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_oversized_attachment_is_refused_with_413_and_the_text_kept(world):
    ticket, before = world.ticket_a, Message.objects.count()
    big = SimpleUploadedFile("grande.txt", b"x" * 2048, content_type="text/plain")

    response = browser(world.agent1).post(url(ticket, "responder/"), reply_data(ticket, attachments=[big]))

    html = response.content.decode()
    assert response.status_code == 413
    assert "grande.txt is larger than the" in html  # check_upload's message
    assert "Attach your files again before sending." in html
    assert ">Ya quedó el DNS</textarea>" in html
    assert (Message.objects.count(), Attachment.objects.count()) == (before, 0)


def test_too_many_files_are_refused(world):
    ticket = world.ticket_a
    files = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(11)]
    response = browser(world.agent1).post(url(ticket, "responder/"), reply_data(ticket, attachments=files))
    assert response.status_code == 400 and "Attach at most 10 files per message." in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_collaborator_cannot_reply_publicly(world):
    ticket, before = world.ticket_a, Message.objects.count()
    response = browser(world.collaborator).post(url(ticket, "responder/"), reply_data(ticket), **HTMX)
    assert response.status_code == 403 and "You do not have permission to do this." in response.content.decode()
    assert Message.objects.count() == before
    note = browser(world.collaborator).post(url(ticket, "responder/"), reply_data(ticket, kind="internal"), **HTMX)
    assert note.status_code == 200 and Message.objects.count() == before + 1


def test_a_stale_form_is_held_with_409_showing_the_new_message_then_sent_on_confirm(world):
    ticket = world.ticket_a
    seen = newest_id(ticket)
    newer = message_create(actor=world.customer_a.user, ticket=ticket, body="¿Alguna novedad?")
    client, before = browser(world.agent1), Message.objects.count()

    held = client.post(url(ticket, "responder/"), reply_data(ticket, last_message_id=seen), **HTMX)

    html = held.content.decode()
    assert held.status_code == 409 and Message.objects.count() == before
    assert "A new message arrived while you were writing." in html and "¿Alguna novedad?" in html
    assert f'id="stale-item-m{newer.pk}"' in html and 'id="composer-confirm"' in html
    assert f'<input type="hidden" id="composer-last-message-id" name="last_message_id" value="{newer.pk}" hx-swap-oob="true">' in html

    sent = client.post(url(ticket, "responder/"), reply_data(ticket, last_message_id=newer.pk, confirm="1"), **HTMX)
    assert sent.status_code == 200 and Message.objects.count() == before + 1


def test_a_stale_form_without_javascript_shows_the_page_with_the_warning(world):
    ticket = world.ticket_a
    seen = newest_id(ticket)
    newer = message_create(actor=world.customer_a.user, ticket=ticket, body="Sigue fallando")
    response = browser(world.agent1).post(url(ticket, "responder/"), reply_data(ticket, last_message_id=seen))
    html = response.content.decode()
    assert response.status_code == 409 and "Send anyway" in html
    assert f'name="last_message_id" value="{newer.pk}"' in html and ">Ya quedó el DNS</textarea>" in html


def test_replies_on_tickets_of_other_teams_are_404_and_change_nothing(world):
    before = Message.objects.count()
    response = browser(world.agent1).post(url(world.ticket_b, "responder/"), reply_data(world.ticket_b))
    assert response.status_code == 404 and Message.objects.count() == before


# --- the properties panel -----------------------------------------------------------------------

def panel_data(ticket: Ticket, **changes) -> dict:
    """What the panel posts: every field with its value as rendered, then the agent's changes."""
    current = {"status": ticket.status, "priority": ticket.priority, "type": ticket.type,
               "team": ticket.team_id or "", "assignee": ticket.assignee_id or "",
               "tags": ", ".join(ticket.tags.values_list("name", flat=True))}
    data = {**current, **{f"initial-{k}": v for k, v in current.items()}}
    data.update(changes)
    return data


def test_the_panel_saves_with_htmx_and_returns_itself_with_a_confirmation(world):
    ticket = world.ticket_a
    data = panel_data(ticket, status="pending_customer", priority="high", tags="dns, urgente")

    response = browser(world.agent1).post(url(ticket, "propiedades/"), data, **HTMX)

    html = response.content.decode()
    ticket.refresh_from_db()
    assert response.status_code == 200 and "Changes saved." in html
    assert html.lstrip().startswith('<form id="properties"')
    assert (ticket.status, ticket.priority) == ("pending_customer", "high")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["dns", "urgente"]
    assert '<header id="ticket-header" class="ticket-header" hx-swap-oob="true">' in html
    assert "Ulises Uno changed the priority from Normal to High." in html  # the timeline, out of band
    assert '<option value="pending_customer" selected>' in html


def test_the_panel_sends_only_what_changed_and_keeps_a_colleague_s_change(world):
    ticket = world.ticket_a
    rendered = panel_data(ticket)  # the agent's page, before a colleague raises the priority
    ticket_update(actor=world.admin, ticket=ticket, changes={"priority": "urgent"})

    browser(world.agent1).post(url(ticket, "propiedades/"), {**rendered, "status": "on_hold"})

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("on_hold", "urgent")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("priority", "altisima", "Select a valid choice."),
    ("status", "merged", "Select a valid choice."),
    ("assignee", "999999", "Select a valid choice."),
    ("tags", "a" * 60, "A tag has 1 to 50 characters and no commas."),
])
def test_an_invalid_value_is_refused_and_nothing_changes(world, field, value, message):
    ticket = world.ticket_a
    events = TicketEvent.objects.count()
    response = browser(world.agent1).post(url(ticket, "propiedades/"), panel_data(ticket, **{field: value}), **HTMX)
    assert response.status_code == 400 and message in response.content.decode()
    assert TicketEvent.objects.count() == events


def test_custom_fields_are_validated_by_the_service_and_saved(world):
    CustomField.objects.create(key="pedido", label="Pedido", kind="number")
    ticket = world.ticket_a
    bad = browser(world.agent1).post(url(ticket, "propiedades/"), panel_data(ticket, cf_pedido="doce"), **HTMX)
    assert bad.status_code == 400 and "Enter a number." in bad.content.decode()
    good = browser(world.agent1).post(url(ticket, "propiedades/"), panel_data(ticket, cf_pedido="12"), **HTMX)
    ticket.refresh_from_db()
    assert good.status_code == 200 and ticket.custom_fields["pedido"] == 12


def test_a_parent_with_open_children_cannot_be_solved_from_the_panel(world):
    from atiende.tickets.services import ticket_link

    child = ticket_create(actor=world.agent1, subject="Hijo", body="x", requester=world.customer_a, team=world.team1)
    ticket_link(actor=world.agent1, source=world.ticket_a, target=child, kind="parent")
    response = browser(world.agent1).post(url(world.ticket_a, "propiedades/"), panel_data(world.ticket_a, status="solved"))
    assert response.status_code == 409 and f"open child tickets: #{child.number}" in response.content.decode()


def test_moving_a_ticket_out_of_my_teams_sends_me_back_to_the_inbox(world):
    ticket = world.ticket_a
    response = browser(world.agent1).post(url(ticket, "propiedades/"), panel_data(ticket, team=world.team2.pk), **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == "/bandeja/"
    assert Ticket.objects.get(pk=ticket.pk).team == world.team2


def test_a_collaborator_cannot_change_properties(world):
    response = browser(world.collaborator).post(url(world.ticket_a, "propiedades/"), panel_data(world.ticket_a, priority="low"))
    assert response.status_code == 403 and Ticket.objects.get(pk=world.ticket_a.pk).priority == "normal"


# --- actions ------------------------------------------------------------------------------------

def test_take_it_assigns_the_ticket_to_me(world):
    response = browser(world.agent1).post(url(world.ticket_a, "tomar/"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "You are now the assignee of this ticket." in html
    assert Ticket.objects.get(pk=world.ticket_a.pk).assignee == world.agent1
    assert "You are the assignee." in html and "Assignee: Ulises Uno" in html


def test_assign_to_a_colleague_and_refuse_one_outside_the_team(world):
    client = browser(world.agent1)
    ok = client.post(url(world.ticket_a, "asignar/"), {"assignee": world.supervisor.pk})
    assert ok.status_code == 302 and Ticket.objects.get(pk=world.ticket_a.pk).assignee == world.supervisor
    refused = client.post(url(world.ticket_a, "asignar/"), {"assignee": world.agent2.pk}, **HTMX)
    assert refused.status_code == 400 and "This agent is not a member of the ticket&#x27;s team." in refused.content.decode()
    assert Ticket.objects.get(pk=world.ticket_a.pk).assignee == world.supervisor


def test_refer_adds_a_collaborator_with_a_note_and_keeps_the_owner(world, django_capture_on_commit_callbacks):
    from django.core import mail

    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"assignee": world.agent1})
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(world.agent1).post(
            url(world.ticket_a, "referir/"), {"collaborator": world.supervisor.pk, "note": "¿Lo revisas?"}, **HTMX
        )
    ticket = Ticket.objects.get(pk=world.ticket_a.pk)
    assert response.status_code == 200 and "Referred to Sara Supervisora." in response.content.decode()
    assert ticket.assignee == world.agent1 and ticket.collaborators.filter(pk=world.supervisor.pk).exists()
    assert Message.objects.filter(ticket=ticket, kind="internal", body_text="¿Lo revisas?").exists()
    assert any(world.supervisor.email in m.to for m in mail.outbox)


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"collaborator": "", "note": "x"}, 400, "Choose who to refer the ticket to."),
    ({"collaborator": "COLLAB", "note": " "}, 400, "Say why you refer this ticket."),
    ({"collaborator": "COLLAB", "note": "otra vez"}, 409, "This ticket was already referred to this person."),
])
def test_refer_errors_are_shown_on_the_form(world, data, status, message):
    data = {k: (world.collaborator.pk if v == "COLLAB" else v) for k, v in data.items()}
    before = Message.objects.count()
    response = browser(world.agent1).post(url(world.ticket_a, "referir/"), data, **HTMX)
    assert response.status_code == status and message in response.content.decode()
    assert Message.objects.count() == before


def test_merge_asks_for_confirmation_then_merges(world):
    other = ticket_create(actor=world.agent1, subject="Duplicado", body="Lo mismo", requester=world.customer_a, team=world.team1)
    client = browser(world.agent1)

    asked = client.post(url(other, "fusionar/"), {"target": f"#{world.ticket_a.number}"}, **HTMX)
    html = asked.content.decode()
    assert asked.status_code == 200 and Ticket.objects.get(pk=other.pk).status == "new"
    assert f"Merge #{other.number} into #{world.ticket_a.number} “Mi dominio no resuelve”?" in html
    assert f'<input type="hidden" name="target" value="{world.ticket_a.number}"><input type="hidden" name="confirm" value="on">' in html

    done = client.post(url(other, "fusionar/"), {"target": world.ticket_a.number, "confirm": "on"}, **HTMX)
    other.refresh_from_db()
    assert done.status_code == 200 and other.status == "merged" and other.merged_into_id == world.ticket_a.pk
    assert f"Merged into #{world.ticket_a.number}." in done.content.decode()
    page = client.get(url(other)).content.decode()
    assert f"This ticket was merged into #{world.ticket_a.number}." in page
    assert f'<a href="/tickets/{world.ticket_a.number}/">Open the ticket it was merged into</a>' in page


@pytest.mark.parametrize(("target", "status", "message"), [
    ("", 400, "Enter a ticket number."),
    ("abc", 400, "Enter a whole number."),
    ("999999", 404, "There is no ticket with this number that you can see."),
    ("B", 404, "There is no ticket with this number that you can see."),  # another team's
    ("SELF", 400, "A ticket cannot be merged into itself."),
])
def test_merge_errors(world, target, status, message):
    target = {"B": str(world.ticket_b.number), "SELF": str(world.ticket_a.number)}.get(target, target)
    response = browser(world.agent1).post(url(world.ticket_a, "fusionar/"), {"target": target, "confirm": "on"}, **HTMX)
    assert response.status_code == status and message in response.content.decode()
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "new"


@pytest.mark.parametrize(("kind", "source", "target", "link_kind"), [
    ("related", "this", "other", "related"), ("parent", "this", "other", "parent"), ("child", "other", "this", "parent"),
])
def test_link_related_parent_and_child(world, kind, source, target, link_kind):
    other = ticket_create(actor=world.agent1, subject="Relacionado", body="x", requester=world.customer_a, team=world.team1)
    tickets = {"this": world.ticket_a, "other": other}
    response = browser(world.agent1).post(url(world.ticket_a, "vincular/"), {"kind": kind, "target": other.number}, **HTMX)
    assert response.status_code == 200 and f"Linked with #{other.number}." in response.content.decode()
    link = TicketLink.objects.get()
    assert (link.source, link.target, link.kind) == (tickets[source], tickets[target], link_kind)


def test_link_errors(world):
    client = browser(world.agent1)
    twice = ticket_create(actor=world.agent1, subject="Dos veces", body="x", requester=world.customer_a, team=world.team1)
    client.post(url(world.ticket_a, "vincular/"), {"kind": "related", "target": twice.number})
    again = client.post(url(world.ticket_a, "vincular/"), {"kind": "parent", "target": twice.number}, **HTMX)
    assert again.status_code == 409 and "These tickets are already linked." in again.content.decode()
    hidden = client.post(url(world.ticket_a, "vincular/"), {"kind": "related", "target": world.ticket_b.number}, **HTMX)
    assert hidden.status_code == 404 and "Factura duplicada" not in hidden.content.decode()
    assert TicketLink.objects.count() == 1


def test_actions_are_refused_to_a_collaborator_and_on_closed_tickets(world):
    assert browser(world.collaborator).post(url(world.ticket_a, "tomar/")).status_code == 403
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    response = browser(world.agent1).post(url(world.ticket_a, "tomar/"), **HTMX)
    assert response.status_code == 409 and "This ticket is closed and cannot be changed." in response.content.decode()
    assert Ticket.objects.get(pk=world.ticket_a.pk).assignee is None


def test_actions_need_post_and_an_agent(world):
    assert browser(world.agent1).get(url(world.ticket_a, "tomar/")).status_code == 405
    assert browser(world.customer_a.user).post(url(world.ticket_a, "tomar/")).status_code == 404
