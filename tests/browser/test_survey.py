"""A customer answers the satisfaction survey from the link in the email, in a real browser:
the link opens the form with its rating chosen (nothing recorded yet); the button records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from atiende.core import clock
from atiende.feedback import services
from atiende.feedback.models import Survey
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_customer_answers_the_survey_from_the_email_link(world, live_server, page, axe):
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "solved"}, details={"outcome": "solved"})
    with clock.frozen_at(clock.now() + timedelta(minutes=61)):
        assert services.surveys_send_due() == 1
    link = re.search(r"http://\S+\?rating=2", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://localhost:8000", live_server.url))

    # Selectors, not words: the page is es-MX, whose catalogue gets these strings at merge time.
    expect(page.locator("form textarea#survey-comment")).to_be_visible()
    expect(page.locator("input[name=rating][value='2']")).to_be_checked()
    assert Survey.objects.get().rating is None  # opening the link records nothing
    assert [v["id"] for v in axe(page) if v["impact"] in {"serious", "critical"}] == []

    page.locator("label.survey-rating", has_text="4").click()
    page.locator("#survey-comment").fill("Resolvieron rápido, gracias.")
    page.locator(".survey form button[type=submit]").click()

    expect(page.locator("[role=status]")).to_be_visible()
    survey = Survey.objects.get()
    assert (survey.state, survey.rating, survey.comment) == ("answered", 4, "Resolvieron rápido, gracias.")
