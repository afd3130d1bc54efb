"""Signing in to the portal: password, one-time links by email, and where each person lands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from atiende.core import clock
from atiende.portal.tokens import sign_in_token
from conftest import PASSWORD

from .helpers import link_in

pytestmark = pytest.mark.django_db

LINK_PREFIX = "/soporte/entrar/enlace/"


def _ask_link(client: Client, email: str, callbacks) -> object:
    with callbacks(execute=True):
        return client.post("/soporte/entrar/enlace/", {"link-email": email}, REMOTE_ADDR="10.0.0.1")


def test_login_page_has_both_ways_in_with_labelled_fields():
    html = Client().get("/soporte/entrar/").content.decode()
    assert '<label for="id_email">' in html and '<label for="id_password">' in html
    assert '<label for="id_link-email">' in html
    assert 'action="/soporte/entrar/enlace/"' in html


def test_customer_signs_in_with_password_and_lands_in_the_portal(world):
    client = Client()
    response = client.post("/soporte/entrar/", {"email": "ANA@tienda-a.mx", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/soporte/")
    assert client.get("/soporte/").status_code == 200


def test_agent_signing_in_at_the_portal_is_sent_to_the_workspace(world):
    client = Client()
    response = client.post("/soporte/entrar/", {"email": world.agent1.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] in {"/bandeja/", "/tickets/"}
    assert client.get("/soporte/")["Location"] == response["Location"]  # the portal is for customers


def test_wrong_password_is_a_clear_400_tied_to_the_form(world):
    response = Client().post("/soporte/entrar/", {"email": world.customer_a.user.email, "password": "nope"})
    assert response.status_code == 400
    assert '<div class="form-alert" role="alert">' in response.content.decode()


def test_customers_signing_in_at_the_workspace_login_go_to_the_portal(world):
    response = Client().post("/cuenta/entrar/", {"email": world.customer_a.user.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/soporte/"
    agent = Client().post("/cuenta/entrar/", {"email": world.agent1.email, "password": PASSWORD}, follow=True)
    assert agent.redirect_chain[-1][0] == "/bandeja/"


def test_portal_pages_send_strangers_to_the_portal_sign_in():
    response = Client().get("/soporte/nueva/")
    assert response["Location"] == "/soporte/entrar/?next=/soporte/nueva/"


def test_a_sign_in_link_works_once(world, django_capture_on_commit_callbacks):
    client = Client()
    response = _ask_link(client, "ana@tienda-a.mx", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@tienda-a.mx"]
    path = link_in(mail.outbox[0].body, LINK_PREFIX)

    opened = client.get(path)  # looking (or a mail scanner) does not use it up
    assert opened.status_code == 200 and 'method="post"' in opened.content.decode()
    assert client.get(path).status_code == 200

    used = client.post(path)
    assert (used.status_code, used["Location"]) == (302, "/soporte/")
    assert client.get("/soporte/").status_code == 200

    again = Client().post(path)
    assert again.status_code == 400
    assert "Este enlace para iniciar sesión ya venció o ya se usó." in again.content.decode()
    assert Client().get(path).status_code == 400


def test_a_sign_in_link_expires_after_15_minutes(world):
    user = world.customer_a.user
    issued = clock.now()
    token = sign_in_token(user, issued)
    with clock.frozen_at(issued + timedelta(minutes=15, seconds=1)):
        assert Client().post(f"{LINK_PREFIX}{token}/").status_code == 400
    with clock.frozen_at(issued + timedelta(minutes=14, seconds=59)):
        assert Client().post(f"{LINK_PREFIX}{token}/").status_code == 302


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ:1abc:def", "x" * 400])
def test_wrong_tokens_sign_nobody_in(world, token):
    client = Client()
    assert client.post(f"{LINK_PREFIX}{token}/").status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_link_dies_when_the_password_changes(world):
    user = world.customer_a.user
    token = sign_in_token(user, clock.now())
    user.set_password("another long password")
    user.save()
    assert Client().post(f"{LINK_PREFIX}{token}/").status_code == 400


def test_links_are_for_customers_only(world):
    token = sign_in_token(world.agent1, clock.now())  # even a correctly signed one
    assert Client().post(f"{LINK_PREFIX}{token}/").status_code == 400


def test_unknown_addresses_and_agents_get_the_same_answer_and_no_mail(world, django_capture_on_commit_callbacks):
    known = _ask_link(Client(), "ana@tienda-a.mx", django_capture_on_commit_callbacks)
    unknown = _ask_link(Client(), "nadie@example.mx", django_capture_on_commit_callbacks)
    agent = _ask_link(Client(), world.agent1.email, django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == agent.status_code == 200
    assert _main(known.content.decode(), "ana@tienda-a.mx") == _main(unknown.content.decode(), "nadie@example.mx")
    assert [m.to for m in mail.outbox] == [["ana@tienda-a.mx"]]


def _main(html: str, email: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0].replace(email, "EMAIL")


def test_link_requests_are_throttled_per_email_and_per_address(world, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_THROTTLE_LIMIT = 3
    for _ in range(3):
        assert _ask_link(Client(), "ana@tienda-a.mx", django_capture_on_commit_callbacks).status_code == 200
    refused = _ask_link(Client(), "ANA@tienda-a.mx", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert len(mail.outbox) == 3
    # Another email from the same address is served (the per-address limit is higher)...
    assert _ask_link(Client(), "beto@tienda-a.mx", django_capture_on_commit_callbacks).status_code == 200
    assert len(mail.outbox) == 4
    # ...and the same email from another address is not: at most three mails per window.
    other = Client().post("/soporte/entrar/enlace/", {"link-email": "ana@tienda-a.mx"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 429 and len(mail.outbox) == 4


def test_an_invalid_address_is_a_clear_message_on_the_field():
    response = Client().post("/soporte/entrar/enlace/", {"link-email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_link-email_error"' in html
    assert '<ul class="errorlist" id="id_link-email_error">' in html


def test_signing_out_returns_to_the_portal_sign_in(world):
    client = Client()
    client.force_login(world.customer_a.user, backend="atiende.accounts.backends.EmailBackend")
    assert client.post("/soporte/salir/")["Location"] == "/soporte/entrar/"
    assert "_auth_user_id" not in client.session
