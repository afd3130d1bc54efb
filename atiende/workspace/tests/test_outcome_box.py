"""The ticket page's outcome box: solving there with an outcome, and the refusal without one."""

import pytest
from django.test import Client
from django.utils import translation

from atiende.metrics.models import OutcomeReason, TicketOutcome
from atiende.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_box_offers_the_outcomes_and_solves_with_reason(world):
    client = signed_in(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/resultado/"
    box = client.get(url).content.decode()
    assert 'value="workaround"' in box and "Duplicado" in box
    refused = client.post(url, {"outcome": "not_solved"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Choose why the ticket was not solved." in refused.content.decode()
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "new"
    reason = OutcomeReason.objects.get(name="Duplicado")
    done = client.post(url, {"outcome": "not_solved", "outcome_reason": reason.pk}, HTTP_HX_REQUEST="true")
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
    assert TicketOutcome.objects.values_list("kind", "reason__name").get() == ("not_solved", "Duplicado")
    assert "Duplicado" in client.get(url).content.decode()  # the solved ticket's box shows how it ended


def test_solving_from_the_properties_panel_explains_the_outcome_is_asked(world):
    client = signed_in(world.agent1)
    response = client.post(f"/tickets/{world.ticket_a.number}/propiedades/", {
        "status": "solved", "priority": "normal", "type": "question", "team": world.team1.pk, "assignee": "",
        "subject": world.ticket_a.subject, "tags": ""})
    assert response.status_code == 400
    assert "Say how the ticket ended before solving it." in response.content.decode()
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "new"
