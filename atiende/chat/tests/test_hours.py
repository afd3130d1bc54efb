"""Outside business hours the widget says honestly when a person will answer; the queue page's
queries do not grow with the chats; the visitor typing shows on the ticket page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from atiende.chat import availability
from atiende.chat.models import ChatSession
from atiende.chat.services import visitor_typing
from atiende.core import clock
from atiende.live.selectors import presence_view
from atiende.sla.services.calendars import calendar_create

from .conftest import Visitor

pytestmark = pytest.mark.django_db

MEXICO = ZoneInfo("America/Mexico_City")
SATURDAY_NIGHT = datetime(2026, 11, 14, 22, 0, tzinfo=MEXICO)


def test_a_closed_site_says_when_it_opens_and_asks_for_the_email(world, site, online):
    site.calendar = calendar_create(actor=world.admin, name="Tienda", time_zone="America/Mexico_City",
                                    hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                                    holidays=None)
    site.save()
    with clock.frozen_at(SATURDAY_NIGHT):
        config = Visitor(site).client.get(f"/chat/api/sites/{site.key}/?lang=en").json()
        assert config["available"] is False
        assert config["notice"].startswith("We are closed now. A person will read your message from ")
        assert "answer by email" in config["notice"]
        assert Visitor(site).start(email="").json()["error"]["code"] == "chat_email_required"
        started = Visitor(site).start()
    assert started.status_code == 201 and "email" in started.json()["notice"]
    assert ChatSession.objects.get().offline is True


def test_the_queue_page_costs_the_same_queries_with_more_chats(world, site, online):
    client = Client()
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    Visitor(site).start()
    client.get("/bandeja/chat/")
    with CaptureQueriesContext(connection) as one:
        client.get("/bandeja/chat/")
    for n in range(3):
        Visitor(site).start(question=f"Otra {n}")
    with CaptureQueriesContext(connection) as four:
        assert "Otra 2" in client.get("/bandeja/chat/").content.decode()
    assert len(four) == len(one)


def test_the_visitor_typing_shows_on_the_ticket_page(world, visitor, online):
    visitor.start()
    session = ChatSession.objects.get()
    assert visitor.post("typing", {"typing": True}).status_code == 200
    view = presence_view(ticket_id=session.ticket_id, viewer_id=world.agent1.pk)
    assert view.typing == ("Valeria Visitante",)
    visitor_typing(session=session, typing=None)
    assert presence_view(ticket_id=session.ticket_id, viewer_id=world.agent1.pk).viewers == ()
    availability.clear(world.agent1.pk)
