"""Guided troubleshooting: admins author a decision tree, customers walk it in the portal; solved
counts as deflected, otherwise the request carries the path the customer took."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.core.exceptions import Invalid, NotFound
from atiende.kb import services as kb_services
from atiende.selfservice import services
from atiende.selfservice.models import Deflection, DeflectionSource, Troubleshooter
from atiende.tickets.models import Ticket


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def guide(world):
    article = kb_services.article_create(actor=world.agent1, title="Errores 500: qué revisar", status="published",
                                         body="Revisa el registro de errores de tu sitio.")
    guide = services.troubleshooter_create(actor=world.admin, title="Mi sitio no abre")
    first = services.step_add(actor=world.admin, troubleshooter=guide, question="¿Tu sitio muestra error 500?")
    second = services.step_add(actor=world.admin, troubleshooter=guide, question="¿Revisaste el registro?",
                               article=article.pk)
    yes = services.answer_add(actor=world.admin, troubleshooter=guide, step=first.pk, label="Sí", outcome="next",
                              next_step=second.pk)
    no = services.answer_add(actor=world.admin, troubleshooter=guide, step=first.pk, label="No", outcome="contact")
    fixed = services.answer_add(actor=world.admin, troubleshooter=guide, step=second.pk, label="Ya quedó",
                                outcome="solved")
    still = services.answer_add(actor=world.admin, troubleshooter=guide, step=second.pk, label="Sigue igual",
                                outcome="contact")
    services.troubleshooter_update(actor=world.admin, troubleshooter=guide, title=guide.title, language="es",
                                   published=True)
    return {"guide": guide, "article": article, "yes": yes, "no": no, "fixed": fixed, "still": still}


def test_customer_walks_to_solved_and_it_counts_as_deflected(world, guide):
    client, g = page(world.customer_a.user), guide["guide"]
    assert client.get("/soporte/guias/").status_code == 200
    first = client.get(f"/soporte/guias/{g.pk}/")
    assert first.status_code == 200 and "¿Tu sitio muestra error 500?" in first.content.decode()
    second = client.get(f"/soporte/guias/{g.pk}/", {"camino": str(guide["yes"].pk)})
    assert "Revisa el registro de errores" in second.content.decode()  # the step's article
    tickets = Ticket.objects.count()
    done = client.post(f"/soporte/guias/{g.pk}/fin/", {"camino": f"{guide['yes'].pk},{guide['fixed'].pk}"})
    assert done.status_code == 302
    assert list(Deflection.objects.values_list("source", "troubleshooter")) == [(DeflectionSource.TROUBLESHOOTER, g.pk)]
    assert Ticket.objects.count() == tickets


def test_a_problem_that_remains_becomes_a_request_with_the_path(world, guide):
    g = guide["guide"]
    response = page(world.customer_a.user).post(f"/soporte/guias/{g.pk}/fin/", {
        "camino": f"{guide['yes'].pk},{guide['still'].pk}", "description": "Desde ayer"})
    assert response.status_code == 302
    ticket = Ticket.objects.order_by("-pk").first()
    body = ticket.messages.get().body_text
    assert ticket.subject == "Mi sitio no abre" and ticket.requester == world.customer_a
    assert body.startswith("Desde ayer\n\n")
    assert body.endswith("- ¿Tu sitio muestra error 500? → Sí\n- ¿Revisaste el registro? → Sigue igual")
    assert Deflection.objects.count() == 0


@pytest.mark.parametrize("path", ["x", "0", "9" * 30, "{other}", "{fixed}", "{yes},{yes}", ",".join(["1"] * 60)])
def test_a_path_that_is_not_through_the_guide_is_400_and_writes_nothing(world, guide, path):
    other = services.troubleshooter_create(actor=world.admin, title="Otra")
    step = services.step_add(actor=world.admin, troubleshooter=other, question="¿Otra?")
    other_answer = services.answer_add(actor=world.admin, troubleshooter=other, step=step.pk, label="Sí", outcome="solved")
    path = path.format(other=other_answer.pk, fixed=guide["fixed"].pk, yes=guide["yes"].pk)
    tickets = Ticket.objects.count()
    client, g = page(world.customer_a.user), guide["guide"]
    assert client.get(f"/soporte/guias/{g.pk}/", {"camino": path}).status_code == 400
    assert client.post(f"/soporte/guias/{g.pk}/fin/", {"camino": path}).status_code == 400
    assert client.post(f"/soporte/guias/{g.pk}/fin/", {"camino": ""}).status_code == 400  # not at an end yet
    assert Ticket.objects.count() == tickets and Deflection.objects.count() == 0


def test_unpublished_guides_are_not_found_in_the_portal(world, guide):
    draft = services.troubleshooter_create(actor=world.admin, title="Borrador")
    assert page(world.customer_a.user).get(f"/soporte/guias/{draft.pk}/").status_code == 404
    assert page(world.customer_a.user).get("/soporte/guias/99999999999999999999/").status_code == 404


def test_only_supervisors_and_admins_author_guides(world, guide):
    with pytest.raises(NotFound):
        services.troubleshooter_create(actor=world.agent1, title="No")
    assert page(world.agent1).get("/bandeja/guias/").status_code == 404
    assert page(world.agent1).post(f"/bandeja/guias/{guide['guide'].pk}/", {"action": "add_step", "question": "¿?"}).status_code == 404
    assert page(world.customer_a.user).get("/bandeja/guias/").status_code == 302
    assert Troubleshooter.objects.count() == 1


def test_authoring_through_the_workspace_pages(world):
    client = page(world.supervisor)
    created = client.post("/bandeja/guias/", {"title": "Correo", "language": "es"})
    guide = Troubleshooter.objects.get(title="Correo")
    assert created.status_code == 302 and created["Location"] == f"/bandeja/guias/{guide.pk}/"
    client.post(f"/bandeja/guias/{guide.pk}/", {"action": "add_step", "question": "¿Te llegan correos?"})
    step = guide.steps.get()
    client.post(f"/bandeja/guias/{guide.pk}/", {"action": "add_answer", "step": step.pk, "label": "No", "outcome": "contact"})
    client.post(f"/bandeja/guias/{guide.pk}/", {"action": "update", "title": "Correo", "language": "es", "published": "on"})
    guide.refresh_from_db()
    assert guide.published and list(step.answers.values_list("label", "outcome")) == [("No", "contact")]
    assert client.get(f"/bandeja/guias/{guide.pk}/").status_code == 200
    assert client.post(f"/bandeja/guias/{guide.pk}/", {"action": "nope"}).status_code == 404


@pytest.mark.parametrize("values", [
    {"label": "", "outcome": "contact"}, {"label": "Sí", "outcome": "maybe"}, {"label": "Sí", "outcome": "next"},
    {"label": "Sí", "outcome": "next", "next_step": "abc"}, {"label": "x" * 201, "outcome": "solved"},
])
def test_bad_answers_are_refused(world, guide, values):
    step = guide["guide"].steps.first()
    with pytest.raises(Invalid):
        services.answer_add(actor=world.admin, troubleshooter=guide["guide"], step=step.pk, **values)
    before = step.answers.count()
    response = page(world.admin).post(f"/bandeja/guias/{guide['guide'].pk}/", {"action": "add_answer", "step": step.pk, **values})
    assert response.status_code == 302 and step.answers.count() == before
