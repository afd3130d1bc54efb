"""The agents' side: the chat queue page, accepting within the cap, transferring, ending; the
first-responder hook."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.chat import availability, selectors
from atiende.chat.models import ChatSession, SessionState
from atiende.chat.services import first_responders_offer, session_accept, session_transfer
from atiende.core.exceptions import Conflict, Forbidden, NotFound

from .conftest import Visitor

pytestmark = pytest.mark.django_db


def start(site, n: int = 1) -> list[ChatSession]:
    for i in range(n):
        assert Visitor(site).start(question=f"Pregunta {i}").status_code == 201
    return list(ChatSession.objects.order_by("pk"))


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_the_queue_shows_waiting_chats_with_the_page_and_marks_the_agent_available(world, site, online):
    start(site)
    availability.clear(world.agent1.pk)
    response = page(world.agent1).get("/bandeja/chat/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Pregunta 0" in text and "https://tienda.example/envios" in text and "Valeria Visitante" in text
    assert availability.available([world.agent1.pk]) == {world.agent1.pk}
    assert selectors.site_availability(site=site).open is True


def test_other_teams_and_customers_do_not_see_the_queue(world, site, online):
    start(site)
    assert "Pregunta 0" not in page(world.agent2).get("/bandeja/chat/").content.decode()
    assert page(world.customer_a.user).get("/bandeja/chat/").status_code in (302, 404)
    assert Client().get("/bandeja/chat/").status_code == 302


def test_accept_assigns_the_ticket_and_opens_it(world, site, online):
    session = start(site)[0]
    response = page(world.agent1).post(f"/bandeja/chat/{session.pk}/aceptar/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{session.ticket.number}/"
    session.refresh_from_db()
    session.ticket.refresh_from_db()
    assert session.state == SessionState.ACTIVE and session.agent == world.agent1
    assert session.ticket.assignee == world.agent1
    again = page(world.supervisor).post(f"/bandeja/chat/{session.pk}/aceptar/")
    assert again.status_code == 409 and "Another agent took this chat already." in again.content.decode()


def test_the_cap_per_agent_is_kept(world, site, online):
    sessions = start(site, 3)
    session_accept(actor=world.agent1, session_id=sessions[0].pk)
    session_accept(actor=world.agent1, session_id=sessions[1].pk)
    with pytest.raises(Conflict) as refused:
        session_accept(actor=world.agent1, session_id=sessions[2].pk)
    assert refused.value.code == "chat_cap_reached"
    assert ChatSession.objects.get(pk=sessions[2].pk).state == SessionState.QUEUED
    assert selectors.site_availability(site=site).open is False  # the only agent there is full


def test_transfer_to_a_colleague_or_back_to_the_queue(world, site, online):
    world.team1.members.add(world.supervisor)
    session = start(site)[0]
    session_accept(actor=world.agent1, session_id=session.pk)
    with pytest.raises(NotFound):  # not an agent of the site's team
        session_transfer(actor=world.collaborator, session_id=session.pk, to_agent_id=None)
    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create

    colleague = agent_create(email="tres@example.mx", name="Tere Tres", role=Role.AGENT, password="x" * 12, teams=[world.team1])
    with pytest.raises(Forbidden):  # a colleague who does not hold the chat
        session_transfer(actor=colleague, session_id=session.pk, to_agent_id=colleague.pk)
    moved = session_transfer(actor=world.agent1, session_id=session.pk, to_agent_id=world.supervisor.pk)
    assert moved.agent == world.supervisor and moved.ticket.assignee == world.supervisor
    back = session_transfer(actor=world.supervisor, session_id=session.pk, to_agent_id=None)
    assert back.state == SessionState.QUEUED and back.agent is None


def test_transfer_to_another_teams_queue(world, site, online):
    session = start(site)[0]
    session_accept(actor=world.agent1, session_id=session.pk)
    response = page(world.agent1).post(f"/bandeja/chat/{session.pk}/transferir/", {"to": f"team:{world.team2.pk}"})
    assert response.status_code == 302
    session.refresh_from_db()
    session.ticket.refresh_from_db()
    assert session.state == SessionState.QUEUED and session.agent is None
    assert session.ticket.team == world.team2 and session.ticket.assignee is None
    assert "Pregunta 0" in page(world.agent2).get("/bandeja/chat/").content.decode()  # team 2 sees it now
    session_accept(actor=world.agent2, session_id=session.pk)


def test_an_agent_outside_the_site_cannot_accept(world, site, online):
    session = start(site)[0]
    with pytest.raises(NotFound):
        session_accept(actor=world.agent2, session_id=session.pk)
    assert page(world.agent2).post(f"/bandeja/chat/{session.pk}/aceptar/").status_code == 404


def test_ending_from_the_queue(world, site, online):
    session = start(site)[0]
    session_accept(actor=world.agent1, session_id=session.pk)
    assert page(world.agent1).post(f"/bandeja/chat/{session.pk}/terminar/").status_code == 302
    assert ChatSession.objects.get(pk=session.pk).state == SessionState.ENDED


taken: list[int] = []


def responder_that_takes(session) -> bool:
    taken.append(session.pk)
    return True


def responder_that_fails(session) -> bool:
    raise RuntimeError("bot down")


def test_first_responders_are_offered_new_chats_in_order(settings, site, online):
    session = start(site)[0]
    assert first_responders_offer(session_id=session.pk) is None  # none configured
    settings.CHAT_FIRST_RESPONDERS = [f"{__name__}.responder_that_fails", f"{__name__}.responder_that_takes"]
    assert first_responders_offer(session_id=session.pk) == f"{__name__}.responder_that_takes"
    assert taken == [session.pk]
