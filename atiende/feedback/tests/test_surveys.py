"""Satisfaction surveys: when they are asked, sent and answered (scanner-safe links, expired
and tampered tokens), and what agents see of the answers."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.clock import frozen_at
from atiende.feedback import services
from atiende.feedback.models import Survey, SurveySettings
from atiende.metrics.models import MetricEvent
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def solve(world, ticket, actor=None, **details):
    return ticket_update(actor=actor or world.agent1, ticket=ticket, changes={"status": "solved"},
                         details=details or {"outcome": "solved"})


def send_due(capture, minutes=61):
    with frozen_at(clock.now() + timedelta(minutes=minutes)), capture(execute=True):
        return services.surveys_send_due()


def link_path(message) -> str:
    url = re.search(r"(http://\S+\?rating=4)", message.body).group(1)
    return url.removeprefix("http://localhost:8000")


def test_solving_schedules_one_survey_sent_after_the_delay_by_email(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    survey = Survey.objects.get()
    assert (survey.episode, survey.state) == (1, "scheduled")
    assert send_due(django_capture_on_commit_callbacks, minutes=59) == 0
    assert send_due(django_capture_on_commit_callbacks) == 1
    survey.refresh_from_db()
    assert (survey.state, survey.channel, survey.agent, survey.team) == ("sent", "email", world.agent1, world.team1)
    assert [m.to for m in mail.outbox] == [["ana@tienda-a.mx"]]
    assert mail.outbox[0].subject == f"[{world.ticket_a.reference}] How did we do?"
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_admin_delay_overrides_the_setting(world, settings, django_capture_on_commit_callbacks):
    settings.CSAT_DELAY_MINUTES = 600
    SurveySettings.objects.update_or_create(pk=1, defaults={"delay_minutes": 5})
    solve(world, world.ticket_a)
    assert send_due(django_capture_on_commit_callbacks, minutes=6) == 1


def test_not_for_auto_solved_spam_or_when_off(world):
    ticket_update(actor=system_actor("automation"), ticket=world.ticket_a, changes={"status": "solved"})
    ticket_update(actor=world.agent2, ticket=world.ticket_b, changes={"tags": ["spam"]})
    solve(world, world.ticket_b, actor=world.agent2)
    assert not Survey.objects.exists()
    SurveySettings.objects.update_or_create(pk=1, defaults={"enabled": False})
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "open"})
    solve(world, world.ticket_a)
    assert not Survey.objects.exists()


def test_once_per_episode_reopen_cancels_and_re_solving_asks_again(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    ticket_update(actor=world.customer_a.user, ticket=world.ticket_a, changes={"status": "open"})
    assert Survey.objects.get().state == "cancelled"
    solve(world, world.ticket_a)
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "closed"})  # still resolved
    assert list(Survey.objects.order_by("episode").values_list("episode", "state")) == [(1, "cancelled"), (2, "scheduled")]
    assert send_due(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1


def test_agent_and_team_are_frozen_when_sent(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "open"})
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"team": world.team2, "assignee": world.agent2})
    survey = Survey.objects.get()
    assert (survey.state, survey.agent, survey.team) == ("sent", world.agent1, world.team1)


def test_link_get_only_shows_post_records_second_answer_replaces(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200
    assert re.search(r'value="4" checked', page.content.decode())
    assert Survey.objects.get().rating is None  # a scanner opening the link records nothing
    token_path = path.split("?")[0]
    assert browser.post(token_path, {"rating": "2", "comment": "Tardaron mucho"}).status_code == 200
    assert browser.post(token_path, {"rating": "5", "comment": "Ya quedó"}).status_code == 200
    survey = Survey.objects.get()
    assert (survey.state, survey.rating, survey.comment) == ("answered", 5, "Ya quedó")
    answers = MetricEvent.objects.filter(kind="survey_answered").order_by("id")
    assert list(answers.values_list("rating", "episode", "agent")) == [(2, 1, world.agent1.pk), (5, 1, world.agent1.pk)]


def test_bad_rating_is_refused_with_the_form_again(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    token_path = link_path(mail.outbox[0]).split("?")[0]
    response = Client().post(token_path, {"rating": "9"})
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert Survey.objects.get().rating is None


def test_expired_and_tampered_links_show_a_clear_page(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    token_path = link_path(mail.outbox[0]).split("?")[0]
    tampered = token_path[:-3] + ("AAA" if not token_path.endswith("AAA/") else "BBB") + "/"
    response = Client().get(tampered)
    assert response.status_code == 400
    assert "This survey link is not valid." in response.content.decode()
    assert Client().post(tampered, {"rating": "1"}).status_code == 400
    assert Client().get("/soporte/encuesta/x/").status_code == 400
    with frozen_at(clock.now() + timedelta(days=31)):
        expired = Client().post(token_path, {"rating": "1"})
    assert expired.status_code == 410
    assert "This survey has expired." in expired.content.decode()
    assert Survey.objects.get().rating is None


def test_api_shows_satisfaction_to_agents_only(world, django_capture_on_commit_callbacks):
    url = f"/api/v1/tickets/{world.ticket_a.pk}/"
    assert world.client_for(world.agent1).get(url).json()["satisfaction"] is None
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    with frozen_at(clock.now() + timedelta(hours=2)):
        services.survey_answer(survey=Survey.objects.get(), rating=1, comment="Nadie me ayudó")
    answered = Survey.objects.get().answered_at
    body = world.client_for(world.agent1).get(url).json()
    assert body["satisfaction"] == {"rating": 1, "comment": "Nadie me ayudó",
                                    "answered_at": answered.isoformat().replace("+00:00", "Z")}
    assert world.client_for(world.customer_a.user).get(url).json()["satisfaction"] is None


def test_portal_shows_the_survey_to_the_requester_only(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    send_due(django_capture_on_commit_callbacks)
    requester, org_admin = Client(), Client()
    requester.force_login(world.customer_a.user)
    org_admin.force_login(world.org_admin_a.user)
    page = requester.get(f"/soporte/solicitudes/{world.ticket_a.number}/")
    assert "Rate the help you got" in page.content.decode()
    assert "Rate the help you got" not in org_admin.get(f"/soporte/solicitudes/{world.ticket_a.number}/").content.decode()


def test_follow_up_lists_bad_ratings_for_supervisors(world, django_capture_on_commit_callbacks):
    solve(world, world.ticket_a)
    solve(world, world.ticket_b, actor=world.agent2)
    send_due(django_capture_on_commit_callbacks)
    bad, good = Survey.objects.get(ticket=world.ticket_a), Survey.objects.get(ticket=world.ticket_b)
    services.survey_answer(survey=bad, rating=2, comment="Sigue sin funcionar")
    services.survey_answer(survey=good, rating=5)
    supervisor, agent = Client(), Client()
    supervisor.force_login(world.supervisor)
    agent.force_login(world.agent1)
    page = supervisor.get("/bandeja/seguimiento/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sigue sin funcionar" in text and world.ticket_b.subject not in text
    assert agent.get("/bandeja/seguimiento/").status_code == 403
