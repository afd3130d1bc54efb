"""Loading the demo data through the services: once, completely, and with the documented logins."""

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction

from atiende.accounts.models import Role, Team, User, UserKind
from atiende.customers.models import Customer, Organization, Segment
from atiende.demo.data import DemoSummary, load_demo_data
from atiende.demo.management.commands.demo import LOGINS
from atiende.tickets.models import Channel, LinkKind, Message, Priority, Ticket, TicketLink
from atiende.tickets.status import TicketStatus

# A Wednesday afternoon in Mexico City.
NOW = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
TICKETS = 200
MESSAGES = 947  # 944 planned, plus the system note of each of the 3 merges
STATUSES = {"new": 16, "open": 31, "pending_customer": 24, "on_hold": 12, "solved": 41, "closed": 73, "merged": 3}


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "customers": Customer.objects.count(),
        "organizations": Organization.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
    }


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load once for the module (a load takes seconds); each test runs in a savepoint inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_data(now=NOW)
        transaction.set_rollback(True)


def test_a_second_load_creates_nothing(demo):
    after_first = _counts()

    again = load_demo_data(now=NOW + timedelta(days=3))

    assert demo == DemoSummary(created=True, users=21, teams=2, organizations=3, customers=16,
                               tickets=TICKETS, messages=MESSAGES)
    assert again == DemoSummary(created=False)
    assert _counts() == after_first == {"users": 21, "customers": 16, "organizations": 3, "tickets": TICKETS,
                                        "messages": MESSAGES}


def test_the_documented_logins_work_with_password_demo(demo):
    admin = authenticate(email="admin@demo.atiende.mx", password="demo")
    supervisor = authenticate(email="supervisora@demo.atiende.mx", password="demo")
    agent = authenticate(email="agente@demo.atiende.mx", password="demo")
    pyme = authenticate(email="cliente@demo.atiende.mx", password="demo")
    enterprise = authenticate(email="cliente2@demo.atiende.mx", password="demo")

    assert (admin.kind, admin.role, admin.is_staff) == (UserKind.AGENT, Role.ADMIN, True)
    assert (supervisor.kind, supervisor.role) == (UserKind.AGENT, Role.SUPERVISOR)
    assert (agent.kind, agent.role) == (UserKind.AGENT, Role.AGENT)
    assert [t.name for t in agent.teams.all()] == ["Soporte general"]
    assert (pyme.kind, pyme.role) == (UserKind.CUSTOMER, "")
    assert (pyme.customer.organization.name, pyme.customer.organization.segment,
            pyme.customer.organization.sector.key, pyme.customer.is_organization_admin) == (
        "Café Tres Volcanes", Segment.PYME, "ecommerce", False)
    company = enterprise.customer.organization
    assert (enterprise.kind, company.name, company.segment, company.sector.key, company.support_plan.name,
            company.account_manager, enterprise.customer.is_organization_admin) == (
        UserKind.CUSTOMER, "Grupo MercaZona", Segment.ENTERPRISE, "ecommerce", "Empresarial", supervisor, True)
    assert authenticate(email="agente@demo.atiende.mx", password="wrong") is None


def test_the_company_has_two_tiers_and_every_role(demo):
    first_line = Team.objects.get(name="Soporte general")

    assert first_line.escalation_team == Team.objects.get(name="Especialistas")
    assert Counter(User.objects.filter(kind=UserKind.AGENT).values_list("role", flat=True)) == {
        Role.ADMIN: 1, Role.SUPERVISOR: 1, Role.AGENT: 4, Role.COLLABORATOR: 1}
    assert sorted(Organization.objects.values_list("sector__key", flat=True)) == ["ecommerce", "ecommerce", "media"]
    assert Customer.objects.filter(organization=None).count() == 6
    assert Customer.objects.filter(user=None).count() == 2  # reachable by phone only


def test_tickets_cover_every_status_priority_and_channel(demo):
    tickets = Ticket.objects.all()

    assert tickets.count() == TICKETS
    assert Counter(tickets.values_list("status", flat=True)) == STATUSES
    assert set(STATUSES) == set(TicketStatus.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert set(tickets.values_list("channel", flat=True)) == {
        Channel.EMAIL, Channel.PORTAL, Channel.PHONE, Channel.CHAT, Channel.WHATSAPP}
    assert tickets.filter(status=TicketStatus.MERGED, merged_into__isnull=False).count() == 3
    assert TicketLink.objects.filter(kind=LinkKind.PARENT).count() == 6
    assert tickets.filter(assignee=None).exclude(status__in=["new", "merged"]).exists()
    assert tickets.filter(collaborators__role=Role.COLLABORATOR).exists()
    assert tickets.filter(tags__isnull=True).exclude(status__in=["new", "merged"]).count() == 0


def test_every_timestamp_falls_in_the_90_days_before_the_load(demo):
    oldest, newest = NOW - timedelta(days=100), NOW
    tickets = Ticket.objects.all()

    assert all(oldest < t.created_at <= t.updated_at < newest for t in tickets)
    assert all(oldest < m.created_at < newest for m in Message.objects.all())
    numbers = list(tickets.order_by("created_at", "id").values_list("number", flat=True))
    assert numbers == sorted(numbers)  # numbered in the order customers wrote


def test_the_command_prints_the_url_and_logins_and_loads_nothing_twice(demo):
    out = io.StringIO()

    call_command("demo", "--no-serve", "--port", "8123", stdout=out)

    printed = out.getvalue()
    assert "The demo data was already there; nothing was created." in printed
    assert "http://127.0.0.1:8123/" in printed
    assert [email for email in LOGINS if email in printed] == list(LOGINS)
    assert Ticket.objects.count() == TICKETS


def test_the_demo_help_center_loads_with_the_demo_and_once(demo):
    from atiende.demo.kb import load_demo_kb
    from atiende.demo.kb_articles import ARTICLES
    from atiende.kb.models import Article, Category
    from atiende.kb.selectors import articles_matching

    assert Article.objects.count() == len(ARTICLES) == 30 and Category.objects.count() == 6
    assert load_demo_kb(author=User.objects.get(email="admin@demo.atiende.mx")) == 0
    assert Article.objects.filter(language="en", translation_of__isnull=False).count() == 4
    assert Article.objects.get(slug="linea-directa-para-clientes-del-plan-empresarial").plans.get().name == "Empresarial"
    assert [a.slug for a in articles_matching("candadito", viewer=None, language="es")][0] == (
        "mi-sitio-no-muestra-el-candadito-ssl")
    assert articles_matching("reembolsos", viewer=None) == []


def test_products_and_assets_in_and_out_of_warranty(demo):
    from atiende.assets.coverage import asset_coverage
    from atiende.assets.models import Asset, Product
    from atiende.demo.assets import load_demo_assets

    assets = list(Asset.objects.select_related("product").prefetch_related("warranties"))
    today = NOW.date()
    found = {a.identifier: asset_coverage(today, purchased_on=a.purchased_on, warranty_months=a.product.warranty_months,
                                          extended=[(w.starts_on, w.ends_on) for w in a.warranties.all()])
             for a in assets}
    assert (Product.objects.count(), len(assets)) == (8, 14)
    assert found["RTX6-MZ-88213"].covered and found["RTX6-MZ-88213"].extended  # extended from the standard's last day
    assert found["PLAN-NB-1180"].covered and not found["PLAN-NB-1180"].extended
    assert not found["RTX6-GO-10457"].covered and found["RTX6-GO-10457"].ended_on is not None
    assert load_demo_assets(actor=User.objects.get(email="admin@demo.atiende.mx"), now=NOW) == 0
