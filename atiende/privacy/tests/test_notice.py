"""The privacy notice: versions the admin publishes, the public page in both languages (its
Markdown sanitized), the footer links, and the version a customer was shown at sign-up or at
their first sign-in after it changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from atiende.branding.services import branding_update
from atiende.core import clock
from atiende.core.exceptions import Invalid, NotFound
from atiende.core.models import AuditEntry
from atiende.portal.tests.helpers import link_in
from atiende.privacy.models import NoticeAcceptance, PrivacyNotice
from atiende.privacy.selectors import notice_pending
from atiende.privacy.services import notice_publish
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ES = "# Aviso de privacidad\n\n**Tienda A, S.A. de C.V.** trata tus datos para atender tus solicitudes."
EN = "# Privacy notice\n\n**Tienda A** processes your data to answer your requests."


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_publishing_adds_versions_with_their_date_and_is_audited(world):
    with clock.frozen_at(datetime(2026, 1, 5, 10, tzinfo=UTC)):
        first = notice_publish(actor=world.admin, body_es=ES)
    with clock.frozen_at(datetime(2026, 6, 1, 10, tzinfo=UTC)):
        second = notice_publish(actor=world.admin, body_es=ES + "\n\nCambio.", body_en=EN)
    assert [(n.version, n.published_at.month) for n in PrivacyNotice.objects.order_by("version")] == [(1, 1), (2, 6)]
    first.refresh_from_db()
    assert first.body_es == ES  # the old version is kept as it was
    assert second.version == 2
    assert AuditEntry.objects.filter(action="privacy.notice_published").count() == 2


def test_only_admins_publish_and_the_spanish_text_is_required(world):
    for user in (world.supervisor, world.agent1, world.customer_a.user, None):
        with pytest.raises(NotFound):
            notice_publish(actor=user, body_es=ES)
    with pytest.raises(Invalid) as refused:
        notice_publish(actor=world.admin, body_es="   ", body_en=EN)
    assert "body_es" in refused.value.fields
    assert not PrivacyNotice.objects.exists()


def test_the_public_page_in_spanish_and_english_with_earlier_versions(world):
    assert Client().get("/privacidad/").status_code == 200  # nothing published yet: a page that says so
    notice_publish(actor=world.admin, body_es="Versión vieja")
    notice_publish(actor=world.admin, body_es=ES, body_en=EN)
    spanish = Client().get("/privacidad/")
    assert spanish.status_code == 200
    page = spanish.content.decode()
    assert "<strong>Tienda A, S.A. de C.V.</strong>" in page and 'lang="es"' in page
    assert 'href="/privacidad/version/1/"' in page
    page = english().get("/privacidad/").content.decode()
    assert "<strong>Tienda A</strong> processes" in page and 'lang="en"' in page
    old = Client().get("/privacidad/version/1/")
    assert old.status_code == 200 and "Versión vieja" in old.content.decode()
    for missing in ("/privacidad/version/9/", "/privacidad/version/x/", "/privacidad/version/" + "9" * 30 + "/"):
        assert Client().get(missing).status_code == 404


def test_english_readers_get_the_spanish_text_when_there_is_no_english_one(world):
    notice_publish(actor=world.admin, body_es=ES)
    page = english().get("/privacidad/").content.decode()
    assert "Tienda A, S.A. de C.V." in page and 'lang="es"' in page


def test_script_in_the_notice_is_inert(world):
    hostile = ('<script>alert(1)</script> <img src=x onerror=alert(2)> [clic](javascript:alert(3)) '
               '<a href="javascript:alert(4)">x</a> <iframe src="https://evil.example"></iframe>')
    notice_publish(actor=world.admin, body_es=hostile, body_en=hostile)
    for client in (Client(), english()):
        page = client.get("/privacidad/").content.decode()
        body = page.split('class="help-body">', 1)[1].split("</div>", 1)[0]
        assert "<script" not in body and "<img" not in body and "<iframe" not in body
        assert '<a href="javascript:' not in body and not re.search(r"<[^>]*onerror", body)
        assert "&lt;script&gt;" in body  # raw HTML shows as text


def test_the_portal_and_help_center_footers_link_to_the_notice(world):
    client = Client()
    client.force_login(world.customer_a.user)
    for path in ("/soporte/", "/ayuda/", "/soporte/entrar/"):
        page = (client if path == "/soporte/" else Client()).get(path).content.decode()
        assert 'href="/privacidad/"' in page, path


def test_sign_in_shows_a_new_version_once_and_records_what_was_accepted(world):
    customer = world.customer_a.user
    signed = Client().post("/soporte/entrar/", {"email": "ana@tienda-a.mx", "password": PASSWORD})
    assert signed["Location"] == "/soporte/"  # no notice published: nothing to show
    with clock.frozen_at(datetime(2026, 2, 1, 9, tzinfo=UTC)):
        notice = notice_publish(actor=world.admin, body_es=ES)
    client = Client()
    signed = client.post("/soporte/entrar/?next=/soporte/nueva/", {"email": "ana@tienda-a.mx", "password": PASSWORD})
    assert signed["Location"] == "/privacidad/?siguiente=%2Fsoporte%2Fnueva%2F"
    page = client.get(signed["Location"]).content.decode()
    assert "I have read" in page or "He leído" in page
    assert 'value="/soporte/nueva/"' in page
    with clock.frozen_at(datetime(2026, 2, 3, 9, tzinfo=UTC)):
        went_on = client.post("/privacidad/enterado/", {"version": "1", "siguiente": "https://evil.example/"})
    assert went_on["Location"] == "/soporte/"  # an outside address is never followed
    acceptance = NoticeAcceptance.objects.get(user=customer)
    assert (acceptance.notice, acceptance.moment, acceptance.accepted_at) == (
        notice, "portal", datetime(2026, 2, 3, 9, tzinfo=UTC))
    assert notice_pending(user=customer) is None
    again = Client().post("/soporte/entrar/", {"email": "ana@tienda-a.mx", "password": PASSWORD})
    assert again["Location"] == "/soporte/"
    notice_publish(actor=world.admin, body_es=ES + " Cambio.")
    assert notice_pending(user=customer).version == 2
    assert notice_pending(user=world.agent1) is None  # agents are not asked


def test_accepting_needs_a_customer_and_a_real_version(world):
    notice_publish(actor=world.admin, body_es=ES)
    assert Client().post("/privacidad/enterado/", {"version": "1"})["Location"] == "/privacidad/"
    agent = Client()
    agent.force_login(world.agent1)
    agent.post("/privacidad/enterado/", {"version": "1"})
    customer = Client()
    customer.force_login(world.customer_a.user)
    for bad in ("7", "x", "", "1" * 40):
        assert customer.post("/privacidad/enterado/", {"version": bad}).status_code == 302
    assert not NoticeAcceptance.objects.exists()
    assert Client().get("/privacidad/enterado/").status_code == 405


def test_sign_up_shows_the_notice_and_records_the_version_confirmed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=None, changes={"allow_signup": True})
    notice_publish(actor=world.admin, body_es=ES)
    assert 'href="/privacidad/"' in Client().get("/soporte/registro/").content.decode().split("<main", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/soporte/registro/", {"name": "Nora", "email": "nora@cliente.mx", "password": "una clave larga 123"})
    path = link_in(mail.outbox[-1].body, "/soporte/registro/confirmar/")
    client = Client()
    page = client.get(path).content.decode()
    assert 'name="aviso" value="1"' in page and 'href="/privacidad/"' in page
    notice_publish(actor=world.admin, body_es=ES + " v2")  # published while the page was open
    confirmed = client.post(path, {"aviso": "1"})
    assert confirmed["Location"] == "/soporte/"
    acceptance = NoticeAcceptance.objects.get(user__email="nora@cliente.mx")
    assert (acceptance.notice.version, acceptance.moment) == (1, "signup")
