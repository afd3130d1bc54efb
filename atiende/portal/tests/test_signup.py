"""Sign-up: only when the admin allows it, and an account only after the address is confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from atiende.accounts.models import User
from atiende.branding.services import branding_update
from atiende.core import clock
from atiende.customers.models import Customer
from atiende.customers.services import customer_get_or_create_by_email
from atiende.portal.models import PendingSignup
from atiende.tickets.services import channel_ticket_create

from .helpers import link_in

pytestmark = pytest.mark.django_db

CONFIRM_PREFIX = "/soporte/registro/confirmar/"
NEW_PASSWORD = "una clave bastante larga"


@pytest.fixture
def signups_open(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=None, changes={"allow_signup": True})


def _sign_up(callbacks, email="nueva@cliente.mx", name="Nora Nueva", password=NEW_PASSWORD):
    with callbacks(execute=True):
        return Client().post("/soporte/registro/", {"name": name, "email": email, "password": password})


def test_sign_up_is_not_there_unless_the_admin_allows_it(world):
    assert Client().get("/soporte/registro/").status_code == 404
    assert Client().post("/soporte/registro/", {"name": "x", "email": "x@x.mx", "password": NEW_PASSWORD}).status_code == 404
    assert "/soporte/registro/" not in Client().get("/soporte/entrar/").content.decode()


def test_sign_up_creates_nothing_until_the_address_is_confirmed(signups_open, django_capture_on_commit_callbacks):
    assert "/soporte/registro/" in Client().get("/soporte/entrar/").content.decode()
    response = _sign_up(django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert not User.objects.filter(email="nueva@cliente.mx").exists()
    assert not Customer.objects.filter(identities__value="nueva@cliente.mx").exists()
    refused = Client().post("/soporte/entrar/", {"email": "nueva@cliente.mx", "password": NEW_PASSWORD})
    assert refused.status_code == 400

    assert [m.to for m in mail.outbox] == [["nueva@cliente.mx"]]
    path = link_in(mail.outbox[0].body, CONFIRM_PREFIX)
    client = Client()
    assert client.get(path).status_code == 200  # looking does not confirm
    assert not User.objects.filter(email="nueva@cliente.mx").exists()
    confirmed = client.post(path)
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/soporte/")

    user = User.objects.get(email="nueva@cliente.mx")
    assert (user.kind, user.name, user.customer.name) == ("customer", "Nora Nueva", "Nora Nueva")
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/soporte/").status_code == 200
    assert Client().post(path).status_code == 400  # once only
    assert PendingSignup.objects.count() == 0


def test_an_existing_customer_record_gets_the_login_and_keeps_its_tickets(signups_open, django_capture_on_commit_callbacks):
    known = customer_get_or_create_by_email(email="correo@cliente.mx", name="Carla Correo")
    ticket, _message = channel_ticket_create(requester=known, subject="Escribí por correo", body="Hola", channel="email",
                                             acknowledge=False)
    assert known.user is not None and not known.user.has_usable_password()

    _sign_up(django_capture_on_commit_callbacks, email="Correo@Cliente.mx", name="Otra Persona")
    known.user.refresh_from_db()
    assert not known.user.has_usable_password()  # nothing changes before the confirmation
    client = Client()
    assert client.post(link_in(mail.outbox[0].body, CONFIRM_PREFIX)).status_code == 302

    known.refresh_from_db()
    assert known.user.check_password(NEW_PASSWORD)
    assert known.name == "Carla Correo"  # the record keeps its name
    assert Customer.objects.filter(identities__value="correo@cliente.mx").count() == 1
    assert ticket.subject in client.get("/soporte/").content.decode()


def test_an_agents_address_gets_the_same_answer_and_no_mail(world, signups_open, django_capture_on_commit_callbacks):
    response = _sign_up(django_capture_on_commit_callbacks, email=world.agent1.email)
    assert response.status_code == 200
    assert mail.outbox == [] and PendingSignup.objects.count() == 0


def test_confirmation_links_expire_after_a_day(signups_open, django_capture_on_commit_callbacks):
    _sign_up(django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0].body, CONFIRM_PREFIX)
    with clock.frozen_at(clock.now() + timedelta(hours=24, minutes=1)):
        assert Client().post(path).status_code == 400
    assert not User.objects.filter(email="nueva@cliente.mx").exists()


def test_bad_sign_up_input_is_shown_on_each_field(signups_open, django_capture_on_commit_callbacks):
    response = _sign_up(django_capture_on_commit_callbacks, email="no-es-correo", name="", password="123")
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("name", "email", "password"):
        assert f'<ul class="errorlist" id="id_{field}_error">' in html
    weak = _sign_up(django_capture_on_commit_callbacks, password="password")
    assert weak.status_code == 400 and 'id="id_password_error"' in weak.content.decode()
    assert mail.outbox == [] and PendingSignup.objects.count() == 0


def test_disabling_sign_up_also_stops_pending_confirmations(signups_open, django_capture_on_commit_callbacks):
    _sign_up(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=None, changes={"allow_signup": False})
    assert Client().post(link_in(mail.outbox[0].body, CONFIRM_PREFIX)).status_code == 404
    assert not User.objects.filter(email="nueva@cliente.mx").exists()


def test_sign_ups_are_throttled_like_sign_ins(signups_open, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_THROTTLE_LIMIT = 2
    for _ in range(2):
        assert _sign_up(django_capture_on_commit_callbacks).status_code == 200
    refused = _sign_up(django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert len(mail.outbox) == 2 and PendingSignup.objects.count() == 2
