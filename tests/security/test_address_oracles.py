"""Whether an address has an account must not show in the answer: content, status or timing.

Timing is compared on interleaved samples (known, unknown, known, …) so that drift on a busy
machine hits both sides alike; the medians must agree within a tolerance, and a round that
disagrees is measured again (up to five rounds): noise does not repeat, a real difference does.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from atiende.accounts.models import User
from atiende.branding.services import branding_update
from atiende.core import jobs
from atiende.portal.models import PendingSignup
from conftest import PASSWORD

SAMPLES = 25
ROUNDS = 5


def _settle() -> None:
    # Background mail of the previous request finishes outside the measured time.
    idle = getattr(jobs, "background_idle", None)
    if idle is not None:
        assert idle(timeout=10)


def _median_ms(send, *, samples: int) -> float:
    times = []
    for _ in range(samples):
        _settle()
        started = time.perf_counter()
        send()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _same_timing(known, unknown, *, tolerance_ms: float, relative: float = 0.15) -> tuple[bool, list]:
    """Interleaved medians of two senders agree within max(tolerance_ms, relative × median)."""
    seen = []
    for _ in range(ROUNDS):
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for _ in range(SAMPLES):
            for name, send in (("known", known), ("unknown", unknown)):
                _settle()
                started = time.perf_counter()
                send()
                times[name].append((time.perf_counter() - started) * 1000)
        a, b = statistics.median(times["known"]), statistics.median(times["unknown"])
        seen.append((round(a, 2), round(b, 2)))
        if abs(a - b) <= max(tolerance_ms, relative * min(a, b)):
            return True, seen
    return False, seen


@pytest.fixture
def open_limits(settings):
    settings.LOGIN_THROTTLE_LIMIT = settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 10_000
    settings.LOGIN_THROTTLE_ACCOUNT_FREE = 10_000
    settings.JOBS_IN_BACKGROUND_THREAD = True  # the embedded default: no broker
    settings.JOBS_BACKGROUND_DELAY = 0.03  # still well after each (few-millisecond) answer


def _body(response, email: str) -> str:
    html = response.content.decode()
    html = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return html.replace(email, "EMAIL")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_in_link_answer_does_not_tell_whether_the_address_exists(world, open_limits):
    client = Client()
    mail.outbox.clear()

    def ask(email):
        return client.post("/soporte/entrar/enlace/", {"link-email": email})

    known, unknown = ask("ana@tienda-a.mx"), ask("nadie@example.mx")
    assert known.status_code == unknown.status_code == 200
    assert _body(known, "ana@tienda-a.mx") == _body(unknown, "nadie@example.mx")
    same, seen = _same_timing(lambda: ask("ana@tienda-a.mx"), lambda: ask("nadie@example.mx"), tolerance_ms=1.0)
    _settle()
    assert same, seen
    assert {m.to[0] for m in mail.outbox} == {"ana@tienda-a.mx"}  # the mail still goes out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_up_answer_does_not_tell_an_agent_address_from_a_new_one(world, open_limits):
    branding_update(actor=None, changes={"allow_signup": True})
    client = Client()
    mail.outbox.clear()

    def sign_up(email):
        return client.post("/soporte/registro/", {"name": "Nora", "email": email, "password": "una clave muy larga 2026"})

    agent, new = sign_up(world.agent1.email), sign_up("nueva@cliente.mx")
    assert agent.status_code == new.status_code == 200
    assert _body(agent, world.agent1.email) == _body(new, "nueva@cliente.mx")
    same, seen = _same_timing(lambda: sign_up(world.agent1.email), lambda: sign_up("nueva@cliente.mx"), tolerance_ms=1.0)
    _settle()
    assert same, seen
    assert {m.to[0] for m in mail.outbox} == {"nueva@cliente.mx"}  # nothing to the agent's address
    assert not PendingSignup.objects.filter(email=world.agent1.email).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_token_endpoint_takes_as_long_for_an_unknown_address_as_for_a_wrong_password(world, open_limits):
    api = APIClient()

    def ask(email):
        return api.post("/api/v1/auth/token/", {"email": email, "password": "wrong"}, format="json")

    known, unknown = ask(world.agent1.email), ask("nadie@example.mx")
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()
    same, seen = _same_timing(lambda: ask(world.agent1.email), lambda: ask("nadie@example.mx"), tolerance_ms=1.0)
    assert same, seen
    # A customer without a password (made by inbound mail) answers like an unknown address too.
    nopass = User.objects.get(pk=world.customer_b.user_id)
    nopass.set_unusable_password()
    nopass.save()
    same, seen = _same_timing(lambda: ask(nopass.email), lambda: ask("nadie@example.mx"), tolerance_ms=1.0)
    assert same, seen
    assert PASSWORD  # the right password is not part of this test
