"""Two-step verification (decision 0040): enrolment with a real code, sign-in with a code or a
recovery code, throttling, the per-role requirement, turning it off and the admin's reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from atiende.core import clock
from atiende.core.exceptions import Conflict
from atiende.signin import services, totp
from atiende.signin.models import RecoveryCode, TotpDevice
from conftest import PASSWORD

from .conftest import (
    ENROL,
    ENROL_AT_SIGN_IN,
    LOGIN,
    VERIFY,
    current_code,
    enrol,
    password_step,
    recovery_codes_in,
    signed_in,
)

pytestmark = pytest.mark.django_db


def test_enrolment_with_a_real_code_shows_ten_recovery_codes_once_and_stores_only_digests(world):
    client = Client()
    client.force_login(world.agent1)
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR code is drawn here; the URI is not in the page text
    device = TotpDevice.objects.get(user=world.agent1)
    assert device.confirmed is False
    assert totp.base32_secret(device.key)[:4] in page  # the key to type by hand

    wrong = client.post(ENROL, {"code": "000000" if current_code(world.agent1) != "000000" else "111111"})
    assert wrong.status_code == 400 and "That code is not correct or has expired." in wrong.content.decode()
    assert not TotpDevice.objects.get(user=world.agent1).confirmed

    done = client.post(ENROL, {"code": current_code(world.agent1)})
    codes = recovery_codes_in(done.content.decode())
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert TotpDevice.objects.get(user=world.agent1).confirmed
    stored = set(RecoveryCode.objects.filter(user=world.agent1).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(codes) and not any(c.replace("-", "") in stored for c in codes)
    again = client.get("/bandeja/cuenta/dos-pasos/").content.decode()
    assert 'data-two-factor="on"' in again and not any(code in again for code in codes)  # shown once


def test_the_secret_is_encrypted_at_rest(world):
    from django.db import connection

    enrol(world.agent1)
    device = TotpDevice.objects.get(user=world.agent1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM signin_totpdevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert device.key not in raw and raw.startswith("gAAAAA")  # a Fernet token


def test_sign_in_asks_for_the_code_after_the_password(world):
    enrol(world.agent1)
    client = Client()
    response = client.post(LOGIN, {"email": world.agent1.email, "password": PASSWORD, "next": "/bandeja/base/"})
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session and not signed_in(client)  # not signed in yet
    assert client.get("/api/v1/me/").status_code in (401, 403)
    refused = client.post(VERIFY, {"code": "12345"})
    assert refused.status_code == 400 and not signed_in(client)
    passed = client.post(VERIFY, {"code": current_code(world.agent1)})
    assert passed.status_code == 302 and passed["Location"] == "/bandeja/base/"
    assert signed_in(client)


def test_expired_and_replayed_codes_are_refused(world):
    enrol(world.agent1)
    now = clock.now()
    two_minutes_ago = current_code(world.agent1, at=(now - timedelta(minutes=2)).timestamp())
    client = password_step(world.agent1)
    with clock.frozen_at(now):
        if two_minutes_ago != current_code(world.agent1):
            assert client.post(VERIFY, {"code": two_minutes_ago}).status_code == 400
    # 30 s late still passes (one step of tolerance), once.
    later = now + timedelta(seconds=60)
    with clock.frozen_at(later):
        code = current_code(world.agent1, at=(later - timedelta(seconds=30)).timestamp())
        assert client.post(VERIFY, {"code": code}).status_code == 302
        other = password_step(world.agent1)
        assert other.post(VERIFY, {"code": code}).status_code == 400  # the same code never works twice


def test_a_recovery_code_works_once_in_place_of_the_code(world):
    codes = enrol(world.agent1)
    client = password_step(world.agent1)
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302 and signed_in(client)
    again = password_step(world.agent1)
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 400 and not signed_in(again)
    assert RecoveryCode.objects.filter(user=world.agent1, used_at__isnull=True).count() == 9


def test_code_guesses_are_throttled_even_when_the_password_is_known(world, settings):
    enrol(world.agent1)
    client = password_step(world.agent1)
    wrong = "000000" if current_code(world.agent1) != "000000" else "111111"
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        assert client.post(VERIFY, {"code": wrong}).status_code == 400
    refused = client.post(VERIFY, {"code": current_code(world.agent1)})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode() and not signed_in(client)
    # Proving the password again from the same address does not reset the code's counter.
    assert password_step(world.agent1).post(VERIFY, {"code": current_code(world.agent1)}).status_code == 429
    # Another address is not locked out by these guesses.
    elsewhere = password_step(world.agent1, REMOTE_ADDR="127.0.0.9")
    assert elsewhere.post(VERIFY, {"code": current_code(world.agent1)}, REMOTE_ADDR="127.0.0.9").status_code == 302


def test_a_stale_or_changed_pending_sign_in_goes_back_to_the_password(world):
    enrol(world.agent1)
    client = password_step(world.agent1)
    later = clock.now() + timedelta(minutes=11)
    with clock.frozen_at(later):
        response = client.post(VERIFY, {"code": current_code(world.agent1)})
    assert response.status_code == 302 and response["Location"] == LOGIN and not signed_in(client)
    client = password_step(world.agent1)
    world.agent1.set_password("otra contraseña larga")
    world.agent1.save()
    assert client.post(VERIFY, {"code": current_code(world.agent1)})["Location"] == LOGIN


def test_a_role_that_requires_it_sends_the_user_to_enrolment_and_nowhere_else(world):
    enrol(world.admin)
    services.policy_update(actor=world.admin, required_roles={"agent"})
    client = Client()
    response = client.post(LOGIN, {"email": world.agent1.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL_AT_SIGN_IN
    assert not signed_in(client) and client.get("/api/v1/tickets/").status_code in (401, 403)
    assert client.get(VERIFY)["Location"] == LOGIN  # no device yet: nothing to verify
    page = client.get(ENROL_AT_SIGN_IN)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    done = client.post(ENROL_AT_SIGN_IN, {"code": current_code(world.agent1)})
    assert done.status_code == 200 and len(recovery_codes_in(done.content.decode())) == 10
    assert signed_in(client)
    # Supervisors were not required: signed in with the password alone.
    assert signed_in(password_step(world.supervisor))


def test_requiring_a_role_signs_out_its_members_without_a_second_factor(world):
    enrol(world.admin)
    agent = Client()
    agent.force_login(world.agent1)
    enrolled_agent = Client()
    enrol(world.agent2)
    enrolled_agent.force_login(world.agent2)
    assert signed_in(agent) and signed_in(enrolled_agent)
    services.policy_update(actor=world.admin, required_roles={"agent"})
    assert not signed_in(agent) and signed_in(enrolled_agent)


def test_an_admin_cannot_require_it_for_their_own_role_before_turning_it_on(world):
    with pytest.raises(Conflict):
        services.policy_update(actor=world.admin, required_roles={"admin"})
    client = Client()
    client.force_login(world.admin)
    response = client.post("/bandeja/seguridad/", {"roles": ["admin", "agent"]})
    assert response.status_code == 409 and "before requiring it for your role" in response.content.decode()
    enrol(world.admin)
    assert client.post("/bandeja/seguridad/", {"roles": ["admin", "agent"]}).status_code == 302
    assert signed_in(client)  # the admin has a second factor: not signed out


def test_turning_it_off_needs_a_fresh_code(world):
    enrol(world.agent1)
    client = Client()
    client.force_login(world.agent1)
    wrong = "000000" if current_code(world.agent1) != "000000" else "111111"
    assert client.post("/bandeja/cuenta/dos-pasos/desactivar/", {"code": wrong}).status_code == 400
    assert TotpDevice.objects.filter(user=world.agent1).exists()
    assert client.post("/bandeja/cuenta/dos-pasos/desactivar/", {"code": current_code(world.agent1)}).status_code == 302
    assert not TotpDevice.objects.filter(user=world.agent1).exists()
    assert not RecoveryCode.objects.filter(user=world.agent1).exists()
    assert signed_in(password_step(world.agent1))  # the password alone again


def test_it_cannot_be_turned_off_when_the_role_requires_it(world):
    enrol(world.admin)
    enrol(world.agent1)
    services.policy_update(actor=world.admin, required_roles={"agent"})
    client = Client()
    client.force_login(world.agent1)
    response = client.post("/bandeja/cuenta/dos-pasos/desactivar/", {"code": current_code(world.agent1)})
    assert response.status_code == 409 and TotpDevice.objects.filter(user=world.agent1).exists()


def test_an_admin_resets_someones_second_factor(world):
    enrol(world.agent1)
    agent = Client()
    agent.force_login(world.agent2)
    assert agent.post(f"/bandeja/seguridad/{world.agent1.pk}/restablecer/").status_code == 404
    assert TotpDevice.objects.filter(user=world.agent1).exists()
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/bandeja/seguridad/").content.decode()
    assert f'data-agent="{world.agent1.pk}"' in page
    assert admin.post(f"/bandeja/seguridad/{world.agent1.pk}/restablecer/").status_code == 302
    assert not TotpDevice.objects.filter(user=world.agent1).exists()
    assert signed_in(password_step(world.agent1))


def test_new_recovery_codes_replace_the_old_ones(world):
    old = enrol(world.agent1)
    client = Client()
    client.force_login(world.agent1)
    response = client.post("/bandeja/cuenta/dos-pasos/codigos/", {"code": current_code(world.agent1)})
    new = recovery_codes_in(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert password_step(world.agent1).post(VERIFY, {"code": old[0]}).status_code == 400
    assert password_step(world.agent1).post(VERIFY, {"code": new[0]}).status_code == 302


def test_the_portal_and_the_django_admin_do_not_skip_the_second_step(world):
    enrol(world.agent1)
    portal = Client()
    response = portal.post("/soporte/entrar/", {"email": world.agent1.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == VERIFY and not signed_in(portal)
    enrol(world.admin)
    admin = Client()
    refused = admin.post("/admin/login/?next=/admin/", {"username": world.admin.email, "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in admin.session
    assert "enter your verification code" in refused.content.decode()


def test_customers_are_never_asked_for_a_second_factor(world):
    enrol(world.admin)
    services.policy_update(actor=world.admin, required_roles={"admin", "supervisor", "agent"})
    client = Client()
    response = client.post("/soporte/entrar/", {"email": "ana@tienda-a.mx", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != VERIFY
    assert client.get("/soporte/").status_code == 200


def test_enrolment_page_keeps_the_same_secret_until_confirmed(world):
    client = Client()
    client.force_login(world.agent1)
    client.get(ENROL)
    first = TotpDevice.objects.get(user=world.agent1).key
    client.get(ENROL)
    assert TotpDevice.objects.get(user=world.agent1).key == first


def test_a_second_account_pending_its_code_does_not_keep_the_first_signed_in(world):
    enrol(world.agent1)
    client = Client()
    client.force_login(world.agent2)
    response = client.post(LOGIN, {"email": world.agent1.email, "password": PASSWORD})
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session and not signed_in(client)
