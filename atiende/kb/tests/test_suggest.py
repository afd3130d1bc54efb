"""`GET /api/v1/kb/suggest/`: ranked, visibility-scoped, never a 500 (SQLite and PostgreSQL)."""

import pytest
from rest_framework.test import APIClient

from atiende.kb import services
from atiende.search.models import MissedQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(world):
    def make(title, body, **values):
        return services.article_create(actor=world.admin, title=title, body=body, status="published", **values)

    return {
        "ssl": make("Mi sitio no muestra el candado SSL", "Renueva el **certificado** desde el panel."),
        "mail": make("Configurar el correo en el celular", "Usa IMAP, puerto 993, y tu contraseña."),
        "internal": make("Reembolsos manuales", "Solo agentes: cómo devolver un cobro.", visibility="internal"),
        "en": make("Set up email on your phone", "Use IMAP and your password.", language="en"),
        "draft": services.article_create(actor=world.admin, title="Borrador de correo", body="correo"),
    }


def suggest(client, **params):
    return client.get("/api/v1/kb/suggest/", params)


def test_anonymous_callers_get_ranked_public_articles_with_snippets(articles):
    response = suggest(APIClient(), q="no me jala el correo en el cel", language="es")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["id"] == articles["mail"].pk
    assert set(rows[0]) == {"id", "title", "url", "snippet", "score"}
    assert rows[0]["url"].endswith(f"/ayuda/articulo/{articles['mail'].slug}/")
    assert articles["draft"].pk not in [r["id"] for r in rows]
    assert suggest(APIClient(), q="el candadito", language="es").json()["results"][0]["id"] == articles["ssl"].pk


def test_the_last_word_may_be_unfinished_and_the_language_is_kept(articles):
    assert suggest(APIClient(), q="renovar certifi", language="es").json()["results"][0]["id"] == articles["ssl"].pk
    assert [r["id"] for r in suggest(APIClient(), q="email phone", language="en").json()["results"]] == [articles["en"].pk]


def test_visibility_is_respected_for_signed_in_callers(world, articles):
    assert suggest(APIClient(), q="reembolsos").json()["results"] == []
    assert suggest(world.client_for(world.customer_a.user), q="reembolsos").json()["results"] == []
    assert [r["id"] for r in suggest(world.client_for(world.agent1), q="reembolsos").json()["results"]] == [
        articles["internal"].pk]


@pytest.mark.parametrize("q", ["", "   ", "!!!", "a" * 10_000, '" & | ! * NEAR(a b)', "\x01correo", "'; --", "de la"])
def test_odd_questions_answer_200(articles, q):
    response = suggest(APIClient(), q=q, language="es")
    assert response.status_code == 200 and isinstance(response.json()["results"], list)


@pytest.mark.parametrize("params", [{"q": "correo", "language": "fr"}, {"q": "correo", "limit": "0"},
                                    {"q": "correo", "limit": "11"}, {"q": "correo", "limit": "x"}])
def test_unknown_language_or_limit_is_a_clear_400(articles, params):
    response = suggest(APIClient(), **params)
    assert response.status_code == 400 and response.json()["error"]


def test_the_help_center_logs_questions_without_answers(articles, client):
    assert client.get("/ayuda/buscar/", {"q": "¿Cómo facturo en línea?"}).status_code == 200
    assert MissedQuery.objects.filter(kind="article", text="como facturo en linea").exists()
