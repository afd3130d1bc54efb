import io

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("es-MX", "Iniciar sesión"), ("en", "Sign in")])
def test_login_page_in_both_languages(language, title):
    page = Client().get("/cuenta/entrar/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.content.decode()


@pytest.mark.django_db
def test_agent_signs_in_and_sees_ticket_list(world):
    client = Client()
    response = client.post("/cuenta/entrar/", {"email": "UNO@example.mx", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/bandeja/"
    html = response.content.decode()
    assert world.ticket_a.subject in html and world.ticket_b.subject not in html
    assert f"#{world.ticket_a.number}" in html


@pytest.mark.django_db
def test_ticket_list_escapes_user_content(world):
    from atiende.tickets.services import ticket_create

    ticket_create(actor=world.customer_a.user, subject='<img src=x onerror=alert(1)>', body="x")
    client = Client()
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    html = client.get("/bandeja/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
