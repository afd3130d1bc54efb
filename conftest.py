"""Shared fixtures: a small world built through our own services, as users would build it."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.signals import setting_changed
from django.dispatch import receiver
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from atiende.accounts.models import Role, Team, User
from atiende.accounts.services import agent_create, token_issue
from atiende.customers.models import Customer, Organization, Segment
from atiende.customers.services import customer_create, organization_create
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_create, ticket_refer

PASSWORD = "correct horse battery"

# CI replays the same examples every run, so a landing never depends on a lucky draw; developers'
# runs keep exploring new ones (and Hypothesis remembers what failed).
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


@dataclass
class World:
    team1: Team
    team2: Team
    admin: User
    supervisor: User
    agent1: User  # team 1
    agent2: User  # team 2 only
    collaborator: User
    org_a: Organization
    org_b: Organization
    customer_a: Customer
    colleague_a: Customer
    org_admin_a: Customer
    customer_b: Customer
    ticket_a: Ticket  # customer A's, team 1, collaborator referred
    ticket_b: Ticket  # customer B's, team 2

    def client_for(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
        return client


@pytest.fixture
def world(db) -> World:
    team1 = Team.objects.create(name="Soporte general")
    team2 = Team.objects.create(name="Especialistas")
    admin = agent_create(email="admin@example.mx", name="Ada Admin", role=Role.ADMIN, password=PASSWORD)
    supervisor = agent_create(email="super@example.mx", name="Sara Supervisora", role=Role.SUPERVISOR, password=PASSWORD)
    agent1 = agent_create(email="uno@example.mx", name="Ulises Uno", role=Role.AGENT, password=PASSWORD, teams=[team1])
    agent2 = agent_create(email="dos@example.mx", name="Diana Dos", role=Role.AGENT, password=PASSWORD, teams=[team2])
    collaborator = agent_create(email="colabora@example.mx", name="Carlos Colabora", role=Role.COLLABORATOR, password=PASSWORD)
    org_a = organization_create(actor=None, name="Tienda A", segment=Segment.PYME)
    org_b = organization_create(actor=None, name="Empresa B", segment=Segment.ENTERPRISE)
    customer_a = customer_create(name="Ana Cliente", identities={"email": "ana@tienda-a.mx"}, organization=org_a, password=PASSWORD)
    colleague_a = customer_create(name="Beto Colega", identities={"email": "beto@tienda-a.mx"}, organization=org_a, password=PASSWORD)
    org_admin_a = customer_create(name="Olga Admin", identities={"email": "olga@tienda-a.mx"}, organization=org_a,
                                  is_organization_admin=True, password=PASSWORD)
    customer_b = customer_create(name="Bruno B", identities={"email": "bruno@empresa-b.mx"}, organization=org_b, password=PASSWORD)
    ticket_a = ticket_create(actor=customer_a.user, subject="Mi dominio no resuelve", body="Desde ayer no abre tienda-a.mx")
    ticket_a = _route(ticket_a, admin, team1)
    ticket_refer(actor=admin, ticket=ticket_a, collaborator=collaborator, note="¿Puedes revisar el DNS?")
    ticket_b = ticket_create(actor=customer_b.user, subject="Factura duplicada", body="Me cobraron dos veces")
    ticket_b = _route(ticket_b, admin, team2)
    return World(team1, team2, admin, supervisor, agent1, agent2, collaborator, org_a, org_b,
                 customer_a, colleague_a, org_admin_a, customer_b, ticket_a, ticket_b)


def _route(ticket: Ticket, actor: User, team: Team) -> Ticket:
    from atiende.tickets.services import ticket_update

    return ticket_update(actor=actor, ticket=ticket, changes={"team": team})


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A reachable Redis; in CI a missing server fails the run instead of skipping."""
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required in CI: {exc}")
        pytest.skip(f"Redis at {url} is not running")
    return url


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts from zero."""
    from django.core.cache import cache

    from atiende.whatsapp.selectors import webhook_numbers_forget

    cache.clear()
    webhook_numbers_forget()  # kept per process for a few seconds, and ids come again after a rollback
    yield


@receiver(setting_changed)
def _translations_follow_language_code(*, setting, **kwargs):
    """A catalogue is cached per language with the site's language (LANGUAGE_CODE) as its fallback:
    "es" built while a test ran in English falls back to English for every later test. Django
    drops the cache when LANGUAGES or LOCALE_PATHS change, not LANGUAGE_CODE; do it here."""
    if setting == "LANGUAGE_CODE":
        from django.utils.translation import trans_real

        trans_real._translations = {}


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request through the API activates its user's
    language in this thread (ApiView.initial), and that must not leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
