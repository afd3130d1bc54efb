"""Workspace pages and fragments: access, exact query counts, bad input, bulk actions and views."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.urls import reverse

from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_update
from atiende.workspace.models import SavedView
from atiende.workspace.params import InboxFilters
from atiende.workspace.services import saved_view_create

pytestmark = pytest.mark.django_db

INBOX = "/bandeja/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def text(response) -> str:
    return response.content.decode()


# --- who gets in --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [INBOX, "/bandeja/filas/", "/bandeja/conteos/", "/bandeja/buscar/?q=x",
                                 "/bandeja/buscar/sugerencias/?q=x"])
def test_anonymous_visitors_sign_in_first(world, page_client, url):
    response = page_client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_an_expired_session_inside_a_fragment_reloads_the_whole_page(world, page_client):
    response = page_client().get("/bandeja/filas/", HTTP_HX_REQUEST="true")

    assert response.status_code == 204 and response["HX-Redirect"] == reverse("accounts:login")


@pytest.mark.parametrize("url", [INBOX, "/bandeja/filas/", "/bandeja/conteos/", "/bandeja/buscar/?q=Mi"])
def test_customers_are_sent_to_the_portal(world, page_client, url):
    response = page_client(world.customer_a.user).get(url)

    assert response.status_code == 302 and response["Location"] == "/soporte/"


def test_customers_cannot_post_bulk_actions(world, page_client):
    response = page_client(world.customer_a.user).post("/bandeja/acciones/", {"ticket": [world.ticket_a.pk], "action": "priority", "priority": "urgent"})

    assert response.status_code == 302 and response["Location"] == "/soporte/"
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == "normal"


# --- the page -----------------------------------------------------------------------------------

def test_the_inbox_shows_the_agents_tickets_with_the_dom_contract(world, page_client):
    response = page_client(world.agent1).get(INBOX, **ENGLISH)
    html = text(response)

    assert response.status_code == 200
    assert f'href="/tickets/{world.ticket_a.number}/"' in html
    assert world.ticket_b.subject not in html  # team 2's
    assert '<tbody id="inbox-rows" data-refresh-url="/bandeja/filas/?view=open"' in html
    assert '<div id="view-counts" class="view-counts" data-refresh-url="/bandeja/conteos/?view=open"' in html
    assert 'aria-current="page">\n  <span class="view-name">All open</span>' in html
    assert "Unassigned in my teams" in html and "Recently solved" in html


def test_inbox_page_query_count_is_pinned(world, page_client, make_tickets, django_assert_num_queries):
    make_tickets(60)
    for ticket in Ticket.objects.all()[:10]:
        ticket_update(actor=world.admin, ticket=ticket, changes={"tags": ["uno", "dos"]})
    saved_view_create(owner=world.agent1, name="Urgentes", filters=InboxFilters(priorities=("urgent",)), ordering="updated")
    client = page_client(world.agent1)
    client.get(INBOX)  # warms the branding cache, which every page reads

    # session, user, saved views, the agent's teams, rows, tag names, teams, agents and
    # organizations for the forms, the macros and the outcome reasons for the bulk bar. The counts
    # come after, from their fragment.
    with django_assert_num_queries(11):
        response = client.get(INBOX)
    html = text(response)
    assert html.count('<tr data-ticket-url=') == 50
    assert 'hx-trigger="load, every 120s"' in html and '<span class="count">' not in html


def test_rows_fragment_query_count_is_pinned(world, page_client, make_tickets, django_assert_num_queries):
    make_tickets(60)
    client = page_client(world.agent1)
    client.get(INBOX)

    with django_assert_num_queries(5):  # session, user, the agent's teams, rows, tag names
        response = client.get("/bandeja/filas/?view=open&priority=normal")
    html = text(response)
    assert html.lstrip().startswith('<tbody id="inbox-rows"') and html.count('<tr data-ticket-url=') == 50
    view = saved_view_create(owner=world.agent1, name="Mías", filters=InboxFilters(), ordering="updated")
    with django_assert_num_queries(6):  # a saved view is read by its id
        client.get(f"/bandeja/filas/?view={view.pk}")


def test_view_counts_fragment(world, page_client, django_assert_num_queries):
    client = page_client(world.agent1)
    client.get(INBOX)

    with django_assert_num_queries(5):  # session, user, saved views, the agent's teams, counts
        response = client.get("/bandeja/conteos/?view=mine", **ENGLISH)
    html = text(response)
    assert html.lstrip().startswith('<div id="view-counts"')
    assert 'data-refresh-url="/bandeja/conteos/?view=mine"' in html
    assert '<span class="count">1<span class="visually-hidden"> ticket</span>' in html


def test_pages_link_forward_and_back(world, page_client, make_tickets):
    make_tickets(120)
    client = page_client(world.admin)

    first = text(client.get(INBOX + "?view=open&sort=created"))
    next_url = _attribute(first, "pager-next", "href")
    assert "view=open" in next_url and "sort=created" in next_url and "after=" in next_url
    second = text(client.get(next_url))
    previous_url = _attribute(second, "pager-previous", "href")
    assert "before=" in previous_url
    assert _rows(text(client.get(previous_url))) == _rows(first)


def _attribute(html: str, css_class: str, name: str) -> str:
    tag = next(part for part in html.split("<a ") if f'class="{css_class}"' in part.split(">")[0])
    return tag.split(f'{name}="')[1].split('"')[0].replace("&amp;", "&")


def _rows(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('<tr data-ticket-url="')[1:]]


@pytest.mark.parametrize("query", [
    "?status=nope&priority=p9&team=abc&assignee=-1&organization=1e9&channel=fax&sort=x&after=%%%",
    "?before=eyJ4Ijp0cnVlfQ&view=999999999999999999999999", "?view=../../etc&tag=" + "x" * 300,
    "?organization=99999999999999999999&team=99999999999999999999", "?after=WzAsIjIwMjYtMDEtMDEiLDFd",
    "?solved_within=100000&status=", "?view=solved&sort=priority&after=WzksIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLDFd",
])
def test_bad_parameters_are_ignored_with_a_visible_note(world, page_client, query):
    response = page_client(world.agent1).get(INBOX + query, **ENGLISH)

    assert response.status_code == 200
    assert 'class="inbox-note"' in text(response)
    assert page_client(world.agent1).get("/bandeja/filas/" + query).status_code == 200


def test_a_filter_change_by_htmx_moves_the_address_along(world, page_client):
    client = page_client(world.agent1)

    response = client.get("/bandeja/filas/?view=open&status=&status=new&priority=&team=&assignee=&organization=&tag=&channel=&sort=updated",
                          HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="inbox-filters")
    assert response["HX-Push-Url"] == "/bandeja/?view=open&status=new"
    live = client.get("/bandeja/filas/?view=open", HTTP_HX_REQUEST="true")  # a live refresh: no push
    assert "HX-Push-Url" not in live


def test_subjects_and_names_render_inert(world, page_client, make_tickets):
    evil = '<img src=x onerror=alert(1)><script>alert(2)</script>'
    ticket, = make_tickets(1, subject=evil)
    ticket_update(actor=world.admin, ticket=ticket, changes={"tags": ['"><svg onload=alert(3)>']})
    client = page_client(world.admin)

    for url in (INBOX, f"/bandeja/buscar/?q={ticket.number}", f"/bandeja/buscar/sugerencias/?q={ticket.number}"):
        html = text(client.get(url))
        assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in html, url
        assert "<img src=x" not in html and "<script>alert" not in html and "<svg" not in html, url


# --- bulk actions -------------------------------------------------------------------------------

def test_a_bulk_action_applies_and_comes_back_to_the_same_list(world, page_client, make_tickets):
    one, two = make_tickets(2)
    client = page_client(world.agent1)

    response = client.post("/bandeja/acciones/", {
        "ticket": [one.pk, two.pk], "action": "priority", "priority": "urgent", "tag": "ignored",
        "query": "view=open&priority=normal",
    }, **ENGLISH)
    assert response.status_code == 302 and response["Location"] == "/bandeja/?view=open&priority=normal"
    assert set(Ticket.objects.filter(pk__in=[one.pk, two.pk]).values_list("priority", flat=True)) == {"urgent"}
    page = text(client.get(response["Location"], **ENGLISH))
    assert "Priority changed on 2 tickets." in page


def test_solving_in_bulk_takes_the_outcome_and_asks_for_it_when_missing(world, page_client, make_tickets):
    from atiende.metrics.models import OutcomeReason, TicketOutcome

    one, two = make_tickets(2)
    client = page_client(world.agent1)
    missing = client.post("/bandeja/acciones/", {"ticket": [one.pk, two.pk], "action": "status", "status": "solved",
                                                 "query": ""}, **ENGLISH)
    assert missing.status_code == 400 and "Nothing was changed." in text(missing)
    assert set(Ticket.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)) != {"solved"}
    page = text(client.get("/bandeja/", **ENGLISH))
    assert "Outcome, when solving" in page and OutcomeReason.objects.first().name in page
    duplicate = OutcomeReason.objects.get(name__icontains="duplica")
    done = client.post("/bandeja/acciones/", {"ticket": [one.pk, two.pk], "action": "status", "status": "solved",
                                              "outcome": "not_solved", "outcome_reason": duplicate.pk, "query": ""},
                       **ENGLISH)
    assert done.status_code == 302
    assert sorted(TicketOutcome.objects.filter(ticket__in=[one, two]).values_list("kind", "reason_id")) == [
        ("not_solved", duplicate.pk)] * 2
    pending = client.post("/bandeja/acciones/", {"ticket": [one.pk], "action": "status", "status": "pending_customer",
                                                 "outcome": "solved", "query": ""}, **ENGLISH)
    assert pending.status_code == 302  # an outcome left selected is not given when not solving


def test_a_refused_bulk_action_names_the_ticket_and_changes_nothing(world, page_client):
    before = list(Ticket.objects.values_list("pk", "priority", "updated_at"))

    response = page_client(world.collaborator).post("/bandeja/acciones/", {
        "ticket": [world.ticket_a.pk], "action": "priority", "priority": "urgent", "query": "view=open",
    }, **ENGLISH)
    assert response.status_code == 403
    assert f"You may not change ticket #{world.ticket_a.number}. Nothing was changed." in text(response)
    assert 'role="alert"' in text(response)

    hidden = page_client(world.agent1).post("/bandeja/acciones/", {
        "ticket": [world.ticket_a.pk, world.ticket_b.pk], "action": "status", "status": "solved", "query": "",
    }, **ENGLISH)
    assert hidden.status_code == 404
    assert "Some of the selected tickets no longer exist or are not visible to you. Nothing was changed." in text(hidden)
    assert world.ticket_b.subject not in text(hidden)
    assert list(Ticket.objects.values_list("pk", "priority", "updated_at")) == before


@pytest.mark.parametrize("data", [
    {"action": "priority", "priority": "urgent"},  # nothing selected
    {"ticket": ["abc"], "action": "priority", "priority": "urgent"},
    {"ticket": ["99999999999999999999999"], "action": "priority", "priority": "urgent"},
    {"ticket": ["{a}"], "action": "destroy"},
    {"ticket": ["{a}"], "action": "merge", "merge_into": "{a}"},
])
def test_bad_bulk_posts_get_a_clear_message(world, page_client, data):
    data = {key: [v.replace("{a}", str(world.ticket_a.pk)) for v in ([value] if isinstance(value, str) else value)]
            for key, value in data.items()}

    response = page_client(world.agent1).post("/bandeja/acciones/", {**data, "query": "view=open"}, **ENGLISH)

    assert response.status_code in (400, 404)
    assert "Nothing was changed." in text(response)


def test_a_refused_bulk_action_keeps_the_selection(world, page_client):
    response = page_client(world.agent1).post("/bandeja/acciones/", {
        "ticket": [world.ticket_a.pk], "action": "assign", "assignee": str(world.agent2.pk), "query": "view=open",
    }, **ENGLISH)

    assert response.status_code == 400
    assert "This agent is not a member of the ticket" in text(response)
    assert f'value="{world.ticket_a.pk}" form="bulk"' in text(response)
    assert "checked></td>" in text(response)


# --- saved views --------------------------------------------------------------------------------

def test_saving_the_current_filters_as_a_view(world, page_client):
    client = page_client(world.agent1)

    response = client.post("/bandeja/vistas/", {"name": "Urgentes de mi equipo", "query": "view=mine&priority=urgent&sort=priority"})
    saved = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bandeja/?view={saved.pk}"
    assert (saved.owner, saved.ordering) == (world.agent1, "priority")
    assert saved.filters == {"status": ["new", "open", "pending_customer", "on_hold"], "priority": ["urgent"], "assignee": ["me"]}
    page = text(client.get(response["Location"], **ENGLISH))
    assert '<h1 id="inbox-title">Urgentes de mi equipo</h1>' in page


def test_a_view_name_already_used_is_a_clear_409(world, page_client):
    saved_view_create(owner=world.agent1, name="Mías", filters=InboxFilters(), ordering="updated")

    response = page_client(world.agent1).post("/bandeja/vistas/", {"name": "Mías", "query": "view=open"}, **ENGLISH)

    assert response.status_code == 409
    assert "You already have a view with this name." in text(response)
    assert SavedView.objects.count() == 1


def test_renaming_and_deleting_a_view_are_for_its_owner(world, page_client):
    saved = saved_view_create(owner=world.agent1, name="Mías", filters=InboxFilters(), ordering="updated")
    other = page_client(world.agent2)

    assert other.get(f"/bandeja/vistas/{saved.pk}/").status_code == 404
    assert other.post(f"/bandeja/vistas/{saved.pk}/", {"name": "Robada"}).status_code == 404
    assert other.post(f"/bandeja/vistas/{saved.pk}/borrar/").status_code == 404
    assert "Mías" not in text(other.get(f"{INBOX}?view={saved.pk}"))

    owner = page_client(world.agent1)
    assert owner.get(f"/bandeja/vistas/{saved.pk}/").status_code == 200
    assert owner.post(f"/bandeja/vistas/{saved.pk}/", {"name": " "}).status_code == 400
    assert owner.post(f"/bandeja/vistas/{saved.pk}/", {"name": "Nuevas"}).status_code == 302
    assert SavedView.objects.get().name == "Nuevas"
    assert owner.post(f"/bandeja/vistas/{saved.pk}/borrar/").status_code == 302
    assert not SavedView.objects.exists()
    assert owner.get("/bandeja/vistas/99999999999999999999999/").status_code == 404


# --- quick search -------------------------------------------------------------------------------

def test_search_page_and_suggestions(world, page_client, django_assert_num_queries):
    client = page_client(world.agent1)
    client.get(INBOX)
    client.get("/bandeja/buscar/?q=calentando")  # the search engine reads the synonyms once a minute
    number = world.ticket_a.number

    serial = 2 if connection.vendor == "postgresql" else 0  # SET and RESET around the search (no parallel workers)
    with django_assert_num_queries(7 + serial):  # session, user, teams, the number, the rest, tag names, snippets
        page = client.get(f"/bandeja/buscar/?q=%23{number}", **ENGLISH)
    assert f'href="/tickets/{number}/"' in text(page) and "1 ticket found." in text(page)
    with django_assert_num_queries(5 + serial):  # session, user, teams, matches (no number: one query), snippets
        suggestions = client.get("/bandeja/buscar/sugerencias/?q=dominio", **ENGLISH)
    assert f'<a href="/tickets/{number}/">' in text(suggestions)
    assert "See all results" in text(suggestions)
    assert "Type at least two characters" in text(client.get("/bandeja/buscar/?q=a", **ENGLISH))


def test_search_never_shows_another_teams_ticket(world, page_client):
    client = page_client(world.agent1)
    b = world.ticket_b

    for q in (str(b.number), "Factura", "bruno@empresa-b.mx"):
        for url in ("/bandeja/buscar/", "/bandeja/buscar/sugerencias/"):
            html = text(client.get(url, {"q": q}, **ENGLISH))
            assert b.subject not in html and f"/tickets/{b.number}/" not in html, (url, q)


def test_the_search_link_keeps_the_text_in_the_query(world, page_client, make_tickets):
    make_tickets(1, subject="Pagos & facturas")
    html = text(page_client(world.agent1).get("/bandeja/buscar/sugerencias/", {"q": "pagos & fac"}, **ENGLISH))
    links = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert parse_qs(urlparse(links[-1].replace("&amp;", "&")).query) == {"q": ["pagos & fac"]}
