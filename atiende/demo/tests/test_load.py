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
RMA_NOTICES = 5  # the demo RMAs told their customers: opened, approved, received, diagnosed; opened
CREDIT_NOTICES = 1  # the supervisor's credit within her limit told Rosa; the refund request waits
HISTORY = 243  # six months of finished tickets before the current ones (demo/history.py), all closed
HISTORY_MESSAGES = 694
TICKETS = 201 + HISTORY  # 200 planned, plus the first maintenance visit opened by the scheduler
MESSAGES = 948 + HISTORY_MESSAGES  # 944 planned, plus the system note of each of the 3 merges, plus the visit's notice
STATUSES = {"new": 17, "open": 31, "pending_customer": 24, "on_hold": 12, "solved": 41, "closed": 73 + HISTORY,
            "merged": 3}


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


# Users: the 21 of the demo and the "maintenance" system actor that opened the visit.
def test_a_second_load_creates_nothing(demo):
    after_first = _counts()

    again = load_demo_data(now=NOW + timedelta(days=3))

    # users: 20 people and the system actors that write during the load: "returns" (each RMA
    # step), "maintenance" (the first visit), "appointments" (bookings made without a ticket),
    # "credits" (the approved credit's notice) and "feedback" (announcing the demo's survey answers to
    # the ticket facts, decision 0044)
    assert demo == DemoSummary(created=True, users=25, teams=2, organizations=3, customers=16,
                               tickets=TICKETS, messages=MESSAGES + RMA_NOTICES + CREDIT_NOTICES)
    assert again == DemoSummary(created=False)
    assert _counts() == after_first == {"users": 25, "customers": 16, "organizations": 3, "tickets": TICKETS,
                                        "messages": MESSAGES + RMA_NOTICES + CREDIT_NOTICES}


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
        Channel.EMAIL, Channel.PORTAL, Channel.PHONE, Channel.CHAT, Channel.WHATSAPP,
        Channel.INTERNAL}  # the maintenance visit: opened by us, not through a channel
    assert tickets.filter(status=TicketStatus.MERGED, merged_into__isnull=False).count() == 3
    assert TicketLink.objects.filter(kind=LinkKind.PARENT).count() == 6
    assert tickets.filter(assignee=None).exclude(status__in=["new", "merged"]).exists()
    assert tickets.filter(collaborators__role=Role.COLLABORATOR).exists()
    assert tickets.filter(tags__isnull=True).exclude(status__in=["new", "merged"]).count() == 0


def test_every_timestamp_falls_in_the_six_months_before_the_load(demo):
    oldest, newest = NOW - timedelta(days=190), NOW  # the history (demo/history.py), then the last 90 days
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


def test_the_bot_answers_the_demo_chat_first_and_an_admins_off_stays_off(demo):
    from atiende.demo.kb import load_demo_bot
    from atiende.selfservice.bot import bot_channel_set, bot_enabled

    assert (bot_enabled("chat"), bot_enabled("whatsapp"), bot_enabled("telegram")) == (True, False, False)
    admin = User.objects.get(email="admin@demo.atiende.mx")
    bot_channel_set(actor=admin, channel="chat", enabled=False)
    assert load_demo_bot(admin=admin) is False and bot_enabled("chat") is False


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


def test_one_rma_in_repair_and_one_quote_waiting(demo):
    from atiende.assets.models import Asset
    from atiende.demo.returns import load_demo_rmas
    from atiende.returns.models import Rma

    rows = {rma.items.get().asset.identifier: rma for rma in Rma.objects.all()}
    assert set(rows) == {"RTX6-MZ-88213", "RTX6-GO-10457"}
    repair, quoted = rows["RTX6-MZ-88213"], rows["RTX6-GO-10457"]
    assert (repair.state, repair.coverage, repair.events.count()) == ("diagnosed", "covered", 4)
    assert Asset.objects.get(identifier="RTX6-MZ-88213").status == "in_repair"
    assert (quoted.state, quoted.coverage, str(quoted.quote_amount), quoted.quote_status) == (
        "requested", "paid", "1450.00", "pending")
    assert all(e.message_id for rma in rows.values() for e in rma.events.all())  # each step told the customer
    assert all(e.created_at <= NOW for rma in rows.values() for e in rma.events.all())
    assert load_demo_rmas(actor=User.objects.get(email="admin@demo.atiende.mx"), now=NOW) == 0
def test_a_maintenance_plan_with_its_first_visit_opened(demo):
    from atiende.demo.maintenance import ROUTER_PLAN, load_demo_maintenance
    from atiende.maintenance.models import MaintenancePlan, MaintenanceVisit

    router = MaintenancePlan.objects.get(name=ROUTER_PLAN)
    visit = MaintenanceVisit.objects.get(plan=router)
    assert (visit.due_on, visit.ticket.team.name, len(visit.checklist)) == (NOW.date() + timedelta(days=4), "Especialistas", 4)
    assert router.next_due_on > visit.due_on
    assert MaintenancePlan.objects.count() == 2
    assert load_demo_maintenance(actor=User.objects.get(email="admin@demo.atiende.mx"), now=NOW) == 0
def test_appointment_types_and_booked_appointments(demo):
    from atiende.appointments.models import Appointment, AppointmentType
    from atiende.demo.appointments import load_demo_appointments

    assert sorted(AppointmentType.objects.values_list("kind", flat=True)) == ["installation", "remote", "training"]
    counts = Counter(Appointment.objects.values_list("status", flat=True))
    assert counts == {"booked": 4, "no_show": 1}
    training = Appointment.objects.filter(type__kind="training")
    assert training.count() == 2 and len({(a.agent_id, a.start) for a in training}) == 1  # one session, two seats
    assert all(a.start > NOW for a in Appointment.objects.filter(status="booked"))
    assert load_demo_appointments(actor=User.objects.get(email="admin@demo.atiende.mx"), now=NOW) == 0
def test_demo_tickets_have_outcomes_and_answered_surveys(demo):
    from atiende.feedback.models import Survey
    from atiende.metrics.models import MetricEvent, TicketOutcome

    kinds = Counter(TicketOutcome.objects.values_list("kind", flat=True))
    assert set(kinds) == {"solved", "workaround", "not_solved"}
    answered = Survey.objects.filter(state="answered")
    assert answered.count() >= 50
    assert answered.filter(rating__lte=2).exists() and answered.filter(rating=5).exists()
    assert not Survey.objects.filter(answered_at__gte=NOW).exists()
    assert MetricEvent.objects.filter(kind="survey_answered").count() == answered.count()
    assert MetricEvent.objects.filter(kind="created").count() == TICKETS


def test_one_credit_granted_and_one_waiting_with_the_default_limits(demo):
    from decimal import Decimal

    from atiende.credits.models import Credit
    from atiende.demo.credits import load_demo_credits

    rows = {c.customer.name: c for c in Credit.objects.select_related("customer", "requested_by")}
    rosa, mercazona = rows["Rosa María Hernández Vega"], next(c for n, c in rows.items() if n != "Rosa María Hernández Vega")
    assert (rosa.status, rosa.amount, rosa.requested_by.email) == ("approved", Decimal("350.00"),
                                                                  "supervisora@demo.atiende.mx")
    assert rosa.message_id is not None and rosa.created_at <= NOW
    assert (mercazona.status, mercazona.kind, mercazona.amount) == ("pending", "refund_request", Decimal("6500.00"))
    assert load_demo_credits(now=NOW) == 0


def test_six_months_of_history_for_reports_and_the_forecast(demo):
    from zoneinfo import ZoneInfo

    from atiende.feedback.models import NpsSurvey, Survey
    from atiende.metrics.models import MetricEvent

    created = list(Ticket.objects.values_list("created_at", flat=True))
    assert min(created) < NOW - timedelta(days=175)  # six months back
    months = {(c.year, c.month) for c in created}
    assert len(months) >= 6
    local = [c.astimezone(ZoneInfo("America/Mexico_City")) for c in created]
    weekdays = Counter(c.weekday() for c in local)
    assert weekdays[0] > weekdays[5] > weekdays[6]  # Monday busiest, Sunday quietest
    assert all(8 <= c.hour < 22 for c in local if c.weekday() < 5 and c < NOW - timedelta(days=100))
    kinds = Counter(MetricEvent.objects.filter(at__lt=NOW - timedelta(days=100)).values_list("kind", flat=True))
    assert kinds["solved"] > 200 and kinds["reopened"] > 10 and kinds["first_reply"] > 200
    assert Survey.objects.filter(rating__isnull=False, answered_at__lt=NOW - timedelta(days=100)).count() > 100
    assert NpsSurvey.objects.filter(score__isnull=False).count() >= 10
