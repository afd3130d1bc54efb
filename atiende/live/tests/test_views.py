"""The polling fallback `live:ticket-state`: the same permission policy and presence store as
the websocket."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from atiende.core import clock
from atiende.tickets.services import message_create


def browser_for(user, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


def state_url(ticket_id) -> str:
    return reverse("live:ticket-state", args=[ticket_id])


def test_the_url_is_the_one_the_pages_rely_on():
    assert state_url(7) == "/en-vivo/tickets/7/"


def test_an_agent_gets_who_is_here_and_the_newest_message(world, django_assert_num_queries):
    note = message_create(actor=world.admin, ticket=world.ticket_a, body="Nota interna", internal=True)
    browser = browser_for(world.agent1)

    with django_assert_num_queries(5):  # session, user, their teams, the ticket, its newest message
        response = browser.get(state_url(world.ticket_a.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {"viewers": [], "typing": [], "last_message_id": note.pk}  # agents see notes


@pytest.mark.parametrize("who", ["agent2", "customer", "anonymous"])
def test_anyone_who_may_not_see_the_ticket_gets_a_404(world, who):
    user = {"agent2": world.agent2, "customer": world.customer_a.user, "anonymous": None}[who]

    response = browser_for(user).get(state_url(world.ticket_a.pk))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("ticket_id", [999999, 2**70])
def test_an_unknown_ticket_is_a_404(world, ticket_id):
    assert browser_for(world.admin).get(state_url(ticket_id)).status_code == 404


def test_a_posted_presence_is_shown_to_the_others_and_not_to_oneself(world):
    sara = browser_for(world.supervisor, enforce_csrf=True)
    token = sara.get(reverse("accounts:login")).cookies["csrftoken"].value

    posted = sara.post(state_url(world.ticket_a.pk), {"state": "typing", "tab": "tab-1"}, HTTP_X_CSRFTOKEN=token)

    assert posted.status_code == 200
    assert posted.json()["viewers"] == [] and posted.json()["typing"] == []
    seen = browser_for(world.agent1).get(state_url(world.ticket_a.pk)).json()
    assert (seen["viewers"], seen["typing"]) == (["Sara Supervisora"], ["Sara Supervisora"])


def test_presence_cannot_be_posted_without_the_csrf_token(world):
    response = browser_for(world.supervisor, enforce_csrf=True).post(state_url(world.ticket_a.pk), {"state": "viewing", "tab": "t"})

    assert response.status_code == 403
    assert browser_for(world.agent1).get(state_url(world.ticket_a.pk)).json()["viewers"] == []


def test_an_agent_who_may_not_see_the_ticket_cannot_appear_on_it(world):
    response = browser_for(world.agent2).post(state_url(world.ticket_a.pk), {"state": "typing", "tab": "t"})

    assert response.status_code == 404
    assert browser_for(world.agent1).get(state_url(world.ticket_a.pk)).json()["viewers"] == []


@pytest.mark.parametrize("form", [{"state": "dancing", "tab": "t"}, {"state": "viewing", "tab": ""},
                                  {"state": "viewing", "tab": "<script>"}, {"state": "viewing", "tab": "x" * 41}])
def test_a_malformed_report_is_a_400(world, form):
    response = browser_for(world.supervisor).post(state_url(world.ticket_a.pk), form)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert browser_for(world.agent1).get(state_url(world.ticket_a.pk)).json()["viewers"] == []


def test_typing_fades_after_six_seconds_and_a_silent_tab_after_fifteen(world):
    sara, uno = browser_for(world.supervisor), browser_for(world.agent1)
    start = clock.now()

    with clock.frozen_at(start):
        sara.post(state_url(world.ticket_a.pk), {"state": "typing", "tab": "t"})
    with clock.frozen_at(start + timedelta(seconds=5)):
        assert uno.get(state_url(world.ticket_a.pk)).json()["typing"] == ["Sara Supervisora"]
    with clock.frozen_at(start + timedelta(seconds=7)):
        state = uno.get(state_url(world.ticket_a.pk)).json()
        assert (state["viewers"], state["typing"]) == (["Sara Supervisora"], [])
    with clock.frozen_at(start + timedelta(seconds=16)):
        assert uno.get(state_url(world.ticket_a.pk)).json()["viewers"] == []


def test_leaving_and_stopping_typing_show_at_once(world):
    sara, uno = browser_for(world.supervisor), browser_for(world.agent1)

    sara.post(state_url(world.ticket_a.pk), {"state": "typing", "tab": "t"})
    sara.post(state_url(world.ticket_a.pk), {"state": "idle", "tab": "t"})
    assert uno.get(state_url(world.ticket_a.pk)).json()["typing"] == []
    sara.post(state_url(world.ticket_a.pk), {"state": "left", "tab": "t"})
    assert uno.get(state_url(world.ticket_a.pk)).json()["viewers"] == []


def test_other_methods_are_refused(world):
    assert browser_for(world.agent1).put(state_url(world.ticket_a.pk)).status_code == 405
