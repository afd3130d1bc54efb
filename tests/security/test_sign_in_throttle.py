"""The sign-in throttle (decision 0014): every path shares it, nobody locks out anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from atiende.core import clock
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

WEB = "/cuenta/entrar/"
PORTAL = "/soporte/entrar/"
ADMIN = "/admin/login/?next=/admin/"
TOKEN = "/api/v1/auth/token/"


def _web(email: str, password: str, ip: str):
    return Client().post(WEB, {"email": email, "password": password}, REMOTE_ADDR=ip)


def _token(email: str, password: str, ip: str):
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def _admin(client: Client, email: str, password: str, ip: str):
    return client.post(ADMIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_admin_login_is_throttled(world, settings):
    client = Client(headers={"accept-language": "en"})
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        assert _admin(client, world.admin.email, "wrong", "127.0.0.2").status_code == 200
    refused = _admin(client, world.admin.email, PASSWORD, "127.0.0.2")
    assert refused.status_code == 200 and "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The real admin elsewhere still gets in.
    elsewhere = Client()
    assert _admin(elsewhere, world.admin.email, PASSWORD, "127.0.0.3").status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(world.admin.pk)


def test_every_sign_in_path_counts_on_the_same_throttle(world, settings):
    settings.LOGIN_THROTTLE_LIMIT = 4
    ip, email = "127.0.0.2", world.customer_a.user.email
    assert _web(email, "x", ip).status_code == 400
    assert Client().post(PORTAL, {"email": email, "password": "x"}, REMOTE_ADDR=ip).status_code == 400
    assert _token(email, "x", ip).status_code == 401
    assert _admin(Client(), email, "x", ip).status_code == 200
    assert _web(email, PASSWORD, ip).status_code == 429
    assert Client().post(PORTAL, {"email": email, "password": PASSWORD}, REMOTE_ADDR=ip).status_code == 429
    assert _token(email, PASSWORD, ip).status_code == 429


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(world, settings):
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        assert _web(world.agent1.email, "wrong", "127.0.0.2").status_code == 400
    refused = _web(world.agent1.email, PASSWORD, "127.0.0.2")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _web(world.agent1.email, PASSWORD, "127.0.0.3").status_code == 302
    assert _token(world.agent1.email, PASSWORD, "127.0.0.3").status_code == 201


def test_successful_sign_ins_do_not_count_against_an_address(world, settings):
    """An office behind one NAT: everyone signs in from one address, many times."""
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 5
    people = [world.agent1, world.agent2, world.supervisor, world.admin]
    for round_ in range(3):
        for person in people:
            assert _web(person.email, PASSWORD, "127.0.0.2").status_code == 302, (round_, person.email)


def test_failures_from_one_address_are_limited_across_accounts(world, settings):
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 3
    for person in (world.agent1, world.agent2, world.supervisor):
        assert _web(person.email, "wrong", "127.0.0.2").status_code == 400
    assert _web(world.admin.email, PASSWORD, "127.0.0.2").status_code == 429
    assert _web(world.admin.email, PASSWORD, "127.0.0.3").status_code == 302


def test_a_guesser_spread_over_addresses_waits_ever_longer_but_the_user_gets_in(world, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_FREE = 3
    settings.LOGIN_THROTTLE_ACCOUNT_DELAY = 60
    email = world.agent1.email
    assert _token(email, PASSWORD, "127.0.0.9").status_code == 201  # the user's usual address
    for i in range(3):
        assert _token(email, "wrong", f"10.1.0.{i}").status_code == 401
    first = _token(email, "wrong", "10.1.0.50")
    assert first.status_code == 429 and int(first["Retry-After"]) == 60
    assert _token(email, PASSWORD, "10.1.0.51").status_code == 429  # even the right password, from a new address
    assert _token(email, PASSWORD, "127.0.0.9").status_code == 201  # but the user's own address gets in
    with clock.frozen_at(clock.now() + timedelta(seconds=61)):
        assert _token(email, "wrong", "10.1.0.60").status_code == 401  # its turn came: checked, wrong
        second = _token(email, "wrong", "10.1.0.61")
    assert second.status_code == 429 and int(second["Retry-After"]) in (119, 120)
