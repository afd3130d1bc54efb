"""A bad satisfaction answer can trigger automation: the `satisfaction.answered` event, with the
rating and the comment as conditions (the ticket facts "satisfaction" and "satisfaction_comment")."""

from datetime import timedelta

import pytest

from atiende.automation import conditions
from atiende.automation.models import Event, RuleRun, Trigger
from atiende.automation.selectors import triggers_changed
from atiende.core import clock
from atiende.feedback import services
from atiende.feedback.models import Survey
from atiende.tickets.models import Ticket, TicketEvent
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_rating_rule(world):
    rule = Trigger.objects.create(
        name="Mala calificación", event=Event.SATISFACTION_ANSWERED,
        conditions={"all": [{"field": "satisfaction", "op": "less_than", "value": 3},
                            {"field": "satisfaction_comment", "op": "is", "value": "yes"}]},
        actions=[{"type": "add_tags", "value": ["mala-calificacion"]},
                 {"type": "set", "field": "assignee", "value": world.supervisor.pk}])
    triggers_changed()
    assert conditions.validate(rule.conditions) == {}
    return rule


def answered(world, rating, comment):
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "solved"},
                  details={"outcome": "solved"})
    survey = Survey.objects.get(ticket=world.ticket_a)
    Survey.objects.filter(pk=survey.pk).update(state="sent", sent_at=clock.now() - timedelta(hours=1))
    survey.refresh_from_db()
    return services.survey_answer(survey=survey, rating=rating, comment=comment)


def test_a_rating_of_2_with_a_comment_tags_and_assigns_to_a_supervisor(world, bad_rating_rule):
    answered(world, 2, "Nadie me resolvió")
    ticket = Ticket.objects.get(pk=world.ticket_a.pk)
    assert ticket.assignee == world.supervisor
    assert "mala-calificacion" in set(ticket.tags.values_list("name", flat=True))
    assert RuleRun.objects.filter(trigger=bad_rating_rule).count() == 1
    history = TicketEvent.objects.filter(ticket=ticket, field="satisfaction").get()
    assert (history.old_value, history.new_value) == ("", "2")


def test_a_good_rating_or_no_comment_does_not(world, bad_rating_rule):
    survey = answered(world, 5, "Excelente")
    assert Ticket.objects.get(pk=world.ticket_a.pk).assignee != world.supervisor
    services.survey_answer(survey=survey, rating=1, comment="")  # changed to a bad one, without a comment
    assert not RuleRun.objects.filter(trigger=bad_rating_rule).exists()
    services.survey_answer(survey=survey, rating=1, comment="Lo pensé mejor")  # now with one: it runs
    assert RuleRun.objects.filter(trigger=bad_rating_rule).count() == 1
    assert Ticket.objects.get(pk=world.ticket_a.pk).assignee == world.supervisor


def test_the_same_answer_again_runs_nothing_twice(world, bad_rating_rule):
    survey = answered(world, 1, "Mal")
    services.survey_answer(survey=survey, rating=1, comment="Mal")
    assert RuleRun.objects.filter(trigger=bad_rating_rule).count() == 1
