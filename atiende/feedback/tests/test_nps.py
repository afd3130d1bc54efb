"""NPS: who is asked and when (90 days, 7 days after a CSAT survey, the admin's audience and
sample, once per period however many passes), the scanner-safe link, and the score."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from atiende.core import clock
from atiende.core.clock import frozen_at
from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.models import Customer, SupportPlan
from atiende.feedback import selectors, services
from atiende.feedback.models import NpsSurvey, Survey
from atiende.feedback.tokens import NPS_SALT, make_token
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def turn_on(world, **options):
    defaults = {"enabled": True, "audience": "all", "sample_percent": 100}
    return services.nps_settings_update(actor=world.admin, **{**defaults, **options})


def send(capture):
    with capture(execute=True):
        return services.nps_send_due()


def asked() -> set[str]:
    return set(NpsSurvey.objects.values_list("customer__name", flat=True))


def everyone() -> set[str]:
    return set(Customer.objects.filter(merged_into__isnull=True).values_list("name", flat=True))


def test_off_by_default_then_every_contact_once_however_many_passes(world, django_capture_on_commit_callbacks):
    assert services.nps_send_due() == 0
    turn_on(world)
    count = send(django_capture_on_commit_callbacks)
    assert count == len(everyone()) and asked() == everyone()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["ana@tienda-a.mx", "beto@tienda-a.mx", "olga@tienda-a.mx", "bruno@empresa-b.mx"])
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert send(django_capture_on_commit_callbacks) == 0  # the same pass again sends nothing
    assert len(mail.outbox) == count


def test_at_most_once_every_90_days(world, django_capture_on_commit_callbacks):
    turn_on(world)
    send(django_capture_on_commit_callbacks)
    first = NpsSurvey.objects.count()
    for days in (30, 60, 89):  # later passes, possibly in the next period: still too soon
        with frozen_at(clock.now() + timedelta(days=days)):
            assert send(django_capture_on_commit_callbacks) == 0
    with frozen_at(clock.now() + timedelta(days=91)):
        assert send(django_capture_on_commit_callbacks) == first
    assert NpsSurvey.objects.count() == 2 * first


def test_never_within_7_days_of_a_csat_survey(world, django_capture_on_commit_callbacks):
    turn_on(world)
    Survey.objects.create(ticket=world.ticket_a, episode=1, state="sent", due_at=clock.now(),
                          sent_at=clock.now() - timedelta(days=6))
    Survey.objects.create(ticket=world.ticket_b, episode=1, state="scheduled", due_at=clock.now())
    send(django_capture_on_commit_callbacks)
    assert asked() == everyone() - {"Ana Cliente", "Bruno B"}  # a CSAT sent 6 days ago; one about to go
    Survey.objects.filter(ticket=world.ticket_b).update(state="sent", sent_at=clock.now())
    with frozen_at(clock.now() + timedelta(days=1, minutes=1)):  # 7 days after Ana's CSAT
        send(django_capture_on_commit_callbacks)
        assert asked() == everyone() - {"Bruno B"}
    with frozen_at(clock.now() + timedelta(days=7, minutes=1)):
        send(django_capture_on_commit_callbacks)
        assert asked() == everyone()


def test_audience_segment_and_plan(world, django_capture_on_commit_callbacks):
    turn_on(world, audience="segment", segment="enterprise")
    send(django_capture_on_commit_callbacks)
    assert asked() == {"Bruno B"}
    NpsSurvey.objects.all().delete()
    gold = SupportPlan.objects.create(name="Oro")
    world.org_a.support_plan = gold
    world.org_a.save()
    turn_on(world, audience="plan", plan=gold)
    send(django_capture_on_commit_callbacks)
    assert asked() == {"Ana Cliente", "Beto Colega", "Olga Admin"}


def test_settings_need_their_segment_or_plan_and_an_admin(world):
    with pytest.raises(Invalid) as exc:
        turn_on(world, audience="plan")
    assert "plan" in exc.value.fields
    with pytest.raises(Invalid):
        turn_on(world, audience="segment", segment="nope")
    with pytest.raises(Forbidden):
        services.nps_settings_update(actor=world.supervisor, enabled=True, audience="all")


def test_the_sample_is_the_percentage_and_the_same_on_every_pass(world, django_capture_on_commit_callbacks):
    cycle = selectors.nps_cycle(clock.now())
    ids = range(1, 20001)
    share = sum(selectors.in_sample(i, cycle, 30) for i in ids) / len(ids)
    assert 0.28 < share < 0.32
    assert [selectors.in_sample(i, cycle, 30) for i in ids] == [selectors.in_sample(i, cycle, 30) for i in ids]
    turn_on(world, sample_percent=50)
    send(django_capture_on_commit_callbacks)
    chosen = {c.name for c in Customer.objects.all() if selectors.in_sample(c.pk, cycle, 50)}
    assert asked() == chosen
    for hours in (1, 2, 3):  # hourly passes of the same period do not widen the sample
        with frozen_at(clock.now() + timedelta(hours=hours)):
            send(django_capture_on_commit_callbacks)
    assert asked() == chosen


# serialized_rollback, like every transactional test here: a plain flush re-creates the content
# types, and the next test that restores the serialized database then collides with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_passes_at_once_ask_once(world):
    turn_on(world)
    outcomes = race(lambda: services.nps_send_due(notify=False), lambda: services.nps_send_due(notify=False))
    assert "ok" in outcomes  # the other finishes too, or loses to SQLite's lock: never a second question
    assert NpsSurvey.objects.count() == len(everyone())
    assert NpsSurvey.objects.values("customer").distinct().count() == len(everyone())


def _link(message, score: int) -> str:
    return re.search(rf"(http://\S+\?score={score})\b", message.body).group(1).removeprefix("http://localhost:8000")


def test_link_get_shows_only_post_records_and_a_second_answer_replaces(world, django_capture_on_commit_callbacks):
    turn_on(world, audience="segment", segment="enterprise")
    send(django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0], 3)
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and b'value="3" checked' in page.content
    assert NpsSurvey.objects.get().score is None  # a mail scanner opening the link records nothing
    assert client.post(path.split("?")[0], {"score": "3", "comment": "Lento"}).status_code == 200
    assert client.post(path.split("?")[0], {"score": "9", "comment": ""}).status_code == 200
    survey = NpsSurvey.objects.get()
    assert (survey.state, survey.score, survey.comment) == ("answered", 9, "")
    bad = client.post(path.split("?")[0], {"score": "11"})
    assert bad.status_code == 400 and b"Choose a number from 0 to 10." in bad.content


def test_tampered_foreign_and_expired_links_give_a_clear_page(world):
    survey = NpsSurvey.objects.create(customer=world.customer_a, cycle=1, sent_at=clock.now())
    token = make_token(survey.public_id, salt=NPS_SALT)
    client = Client()
    for bad in (token[:-2] + "xx", "x", make_token(survey.public_id)):  # the last: a CSAT-salted token
        response = client.get(f"/soporte/recomendacion/{bad}/")
        assert response.status_code == 400 and b"not valid" in response.content
    with frozen_at(clock.now() + timedelta(days=30)):
        response = client.post(f"/soporte/recomendacion/{token}/", {"score": "10"})
        assert response.status_code == 410 and b"expired" in response.content
    assert NpsSurvey.objects.get().score is None


def _answer(customer, score, when, cycle):
    NpsSurvey.objects.create(customer=customer, cycle=cycle, sent_at=when, state="answered", score=score,
                             answered_at=when)


def test_summary_and_series(world):
    now = clock.now()
    month_ago = now - timedelta(days=31)
    for n, score in enumerate([10, 9, 8, 3]):
        _answer([world.customer_a, world.colleague_a, world.org_admin_a, world.customer_b][n], score, now, 1)
    _answer(world.customer_b, 0, month_ago, 2)
    summary = selectors.nps_summary(now - timedelta(days=1), now + timedelta(seconds=1))
    assert (summary.answers, summary.promoters, summary.passives, summary.detractors, summary.score) == (4, 2, 1, 1, 25.0)
    assert selectors.nps_summary(now - timedelta(days=60), now + timedelta(seconds=1)).score == 0.0
    assert selectors.nps_summary(now - timedelta(days=1), now + timedelta(seconds=1), segment="enterprise").score == -100.0
    assert selectors.nps_summary(now + timedelta(days=1), now + timedelta(days=2)).score is None
    series = selectors.nps_series(now - timedelta(days=60), now + timedelta(seconds=1), period="day")
    assert [(row.answers, row.score) for _start, row in series] == [(1, -100.0), (4, 25.0)]


def test_supervisors_see_the_score_on_the_satisfaction_page(world):
    _answer(world.customer_a, 10, clock.now(), 1)
    client = Client()
    client.force_login(world.supervisor)
    page = client.get("/bandeja/seguimiento/")
    assert page.status_code == 200 and page.content.count(b"score 100.0") == 1
    title = page.content.split(b"<title>", 1)[1].split(b"</title>", 1)[0]
    assert b"<" not in title  # the page's name, not the NPS section (once pasted into the title)
