"""Staff password reset: the same answer for every address, a link that works once, and every
session signed out; the second factor still applies afterwards."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD

from .conftest import LOGIN, VERIFY, enrol, signed_in

pytestmark = pytest.mark.django_db
RESET = "/cuenta/contrasena/olvide/"


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.JOBS_IN_BACKGROUND_THREAD = False  # the mail task runs at the commit, inside the test


def _ask(email: str, capture, **extra):
    with capture(execute=True):
        return Client(**extra).post(RESET, {"email": email})


def _main(html: str, email: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0].replace(email, "EMAIL")


def _link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/cuenta/contrasena/nueva/\S+/)", body).group(1)


def test_the_answer_never_tells_whether_the_address_exists(world, django_capture_on_commit_callbacks):
    known = _ask(world.agent1.email, django_capture_on_commit_callbacks)
    unknown = _ask("nadie@example.mx", django_capture_on_commit_callbacks)
    customer = _ask("ana@tienda-a.mx", django_capture_on_commit_callbacks)  # customers use the portal's link
    assert known.status_code == unknown.status_code == customer.status_code == 200
    assert _main(known.content.decode(), world.agent1.email) == _main(unknown.content.decode(), "nadie@example.mx")
    assert _main(known.content.decode(), world.agent1.email) == _main(customer.content.decode(), "ana@tienda-a.mx")
    assert [m.to for m in mail.outbox] == [[world.agent1.email]]


def test_reset_requests_are_throttled_the_same_for_every_address(world, settings, django_capture_on_commit_callbacks):
    for address in (world.agent1.email, "nadie@example.mx"):
        answers = [_ask(address, django_capture_on_commit_callbacks, REMOTE_ADDR="127.0.0.3").status_code
                   for _ in range(settings.LOGIN_THROTTLE_LIMIT + 1)]
        assert answers == [200] * settings.LOGIN_THROTTLE_LIMIT + [429]


def test_the_link_sets_a_new_password_once_and_signs_out_every_session(world, django_capture_on_commit_callbacks):
    enrol(world.agent1)
    elsewhere = Client()
    elsewhere.force_login(world.agent1)
    _ask(world.agent1.email, django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0].body)
    client = Client()
    assert client.get(path).status_code == 200
    weak = client.post(path, {"new": "123"})
    assert weak.status_code == 400
    done = client.post(path, {"new": "una contraseña nueva y larga"})
    assert done.status_code == 302 and done["Location"] == LOGIN
    assert not signed_in(client) and not signed_in(elsewhere)
    assert Client().post(path, {"new": "otra contraseña distinta"}).status_code == 400  # used up
    # The second factor still stands between the new password and the workspace.
    answer = client.post(LOGIN, {"email": world.agent1.email, "password": "una contraseña nueva y larga"})
    assert answer["Location"] == VERIFY and not signed_in(client)
    assert Client().post(LOGIN, {"email": world.agent1.email, "password": PASSWORD}).status_code == 400


@pytest.mark.parametrize("path", ["/cuenta/contrasena/nueva/MQ/abc-def/", "/cuenta/contrasena/nueva/%FF/x/",
                                  "/cuenta/contrasena/nueva/" + "x" * 300 + "/y/"])
def test_forged_links_change_nothing(world, path):
    response = Client().post(path, {"new": "una contraseña nueva y larga"})
    assert response.status_code == 400 and "This link has expired" in response.content.decode()
    world.agent1.refresh_from_db()
    assert world.agent1.check_password(PASSWORD)
