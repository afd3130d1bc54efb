"""Crafted input never reaches a 500 nor unbounded work: every id, count, instant, cursor and
JSON body from outside goes through one parser (atiende.core.params) and is refused with a 400
that says what is wrong (hardening issue, item 6)."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from atiende.sla.models import Calendar
from atiende.sla.selectors import arithmetic_for
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import CustomField
from atiende.workspace.models import SavedView

pytestmark = pytest.mark.django_db

UNICODE_DIGITS = ["²", "٣", "１", "߁"]  # superscript two, Arabic-Indic three, fullwidth one, NKo one
# Valid ISO 8601 instants whose UTC value falls outside what datetime can hold.
EXTREME_INSTANTS = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def api_cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def page_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_invalid(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert field in body["fields"]


@pytest.fixture
def office() -> Calendar:
    return Calendar.objects.get(name="Horario de oficina (CDMX)")


@pytest.fixture
def policy(world, office):
    return policy_create(actor=world.admin, name="Estándar", targets={"first_response": {"minutes": 60, "calendar": office.pk}})


# --- Unicode digits ------------------------------------------------------------------------------

@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize("name", ["page_size", "team", "assignee", "requester", "organization"])
def test_unicode_digits_in_api_query_parameters_are_a_400(world, name, digit):
    response = world.client_for(world.admin).get("/api/v1/tickets/", {name: digit})
    assert_invalid(response, name)


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_unicode_digits_in_customer_list_parameters_are_a_400(world, digit):
    api = world.client_for(world.admin)
    assert_invalid(api.get("/api/v1/customers/", {"organization": digit}), "organization")
    assert_invalid(api.get("/api/v1/customers/", {"page_size": digit}), "page_size")


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_unicode_digits_as_due_minutes_are_a_400(world, office, digit):
    response = world.client_for(world.admin).get(
        f"/api/v1/business-calendars/{office.pk}/due/", {"start": "2026-03-02T10:00:00-06:00", "minutes": digit}
    )
    assert_invalid(response, "minutes")


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_unicode_digits_in_page_parameters_are_refused_without_a_500(world, digit):
    agent = page_for(world.admin)
    assert agent.get(f"/clientes/{world.customer_a.pk}/", {"antes": digit}).status_code == 200
    assert agent.get(f"/tickets/{world.ticket_a.number}/conversacion/", {"despues": digit}).status_code == 400
    assert agent.get("/sla/cumplimiento/", {"dias": digit}).status_code == 200
    for name in ("team", "assignee", "organization", "solved_within", "view"):
        response = agent.get("/bandeja/", {name: digit})
        assert response.status_code == 200, name


# --- extreme instants ----------------------------------------------------------------------------

@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
def test_instants_beyond_the_representable_range_are_a_400_on_the_ticket_list(world, instant):
    assert_invalid(world.client_for(world.admin).get("/api/v1/tickets/", {"updated_since": instant}), "updated_since")


@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
def test_api_cursors_with_extreme_instants_are_a_400(world, instant):
    response = world.client_for(world.admin).get("/api/v1/tickets/", {"cursor": api_cursor(instant, 1)})
    assert_invalid(response, "cursor")


@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
def test_inbox_cursors_with_extreme_instants_fall_back_to_the_first_page(world, instant):
    response = page_for(world.admin).get("/bandeja/", {"after": api_cursor(0, instant, 1)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The page link was not valid; showing the first page." in response.content.decode()


@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
def test_extreme_instants_are_a_400_on_calendar_and_policy_endpoints(world, office, policy, instant):
    api = world.client_for(world.admin)
    base = f"/api/v1/business-calendars/{office.pk}"
    assert_invalid(api.get(f"{base}/due/", {"start": instant, "minutes": "60"}), "start")
    assert_invalid(api.get(f"{base}/between/", {"start": instant, "end": "2026-01-01T00:00:00Z"}), "start")
    assert_invalid(api.get(f"{base}/between/", {"start": "2026-01-01T00:00:00Z", "end": instant}), "end")
    assert_invalid(api.get(f"/api/v1/sla-policies/{policy.pk}/preview/", {"arrival": instant}), "arrival")
    assert_invalid(api.get("/api/v1/sla-attainment/", {"since": instant}), "since")
    assert_invalid(api.get("/api/v1/sla-attainment/", {"until": instant}), "until")


# --- bounded work ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "params", "field"), [
    ("between", {"start": "1000-01-01T00:00:00Z", "end": "9000-01-01T00:00:00Z"}, "end"),
    ("between", {"start": "2020-01-01T00:00:00Z", "end": "2031-01-01T00:00:00Z"}, "end"),
    ("due", {"start": "1000-01-01T00:00:00Z", "minutes": "60"}, "start"),
    ("due", {"start": "2026-01-01T00:00:00Z", "minutes": "10000000"}, "minutes"),
])
def test_calendar_ranges_are_bounded_with_a_400(world, office, path, params, field):
    started = time.process_time()
    response = world.client_for(world.admin).get(f"/api/v1/business-calendars/{office.pk}/{path}/", params)
    assert_invalid(response, field)
    assert time.process_time() - started < 2


def test_a_calendar_kept_in_the_process_stays_small_whatever_it_is_asked(world, office):
    api = world.client_for(world.admin)
    for year in (1990, 2100, 1950, 2180, 2026):
        start = f"{year}-01-01T00:00:00Z"
        assert api.get(f"/api/v1/business-calendars/{office.pk}/between/", {"start": start, "end": f"{year + 4}-06-01T00:00:00Z"}).status_code == 200
    first, last = arithmetic_for(office)._years
    assert last - first <= 12


def test_attainment_range_is_bounded_with_a_400(world):
    api = world.client_for(world.admin)
    assert_invalid(api.get("/api/v1/sla-attainment/", {"since": "2020-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}), "since")
    assert_invalid(api.get("/api/v1/sla-attainment/", {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}), "since")


# --- JSON bodies -----------------------------------------------------------------------------------

DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/tickets/", "/api/v1/business-calendars/"])
def test_json_nested_too_deep_is_a_400(world, path):
    client = world.client_for(None) if path.endswith("token/") else world.client_for(world.admin)
    for body in (DEEP, '{"a":' * 1000 + "1" + "}" * 1000, json.dumps({"name": "x", "hours": json.loads("[" * 40 + "]" * 40)})):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, body[:20])
        assert response.json()["error"]["code"] in ("parse_error", "invalid")


@pytest.mark.parametrize("text", ["a\x00b", "\x00", "a\ud800b"])
def test_custom_field_text_refuses_what_the_database_cannot_store(world, text):
    CustomField.objects.create(key="dominio", label="Dominio", kind="text")
    response = world.client_for(world.admin).patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/", json.dumps({"custom_fields": {"dominio": text}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.custom_fields == {}


@pytest.mark.parametrize("text", ["a\ud800b", "\udfff"])
def test_lone_surrogates_in_json_text_are_a_400(world, text):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/tickets/", json.dumps(
        {"subject": text, "body": "hola", "requester": world.customer_a.pk, "team": world.team1.pk}),
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("tag", ["a\x00b", "\x00"])
def test_a_saved_view_refuses_a_tag_filter_the_database_cannot_store(world, tag):
    agent = page_for(world.agent1)
    response = agent.post("/bandeja/vistas/", {"name": "Mis etiquetas", "query": urlencode({"tag": tag, "status": "open"})})
    assert response.status_code == 302
    saved = SavedView.objects.get(owner=world.agent1)
    assert saved.filters == {"status": ["open"]}


@pytest.mark.parametrize("hours", [DEEP, '{"mon":' * 1000 + "[]" + "}" * 1000])
def test_the_calendar_admin_refuses_json_nested_too_deep(world, hours):
    admin = page_for(world.admin)
    response = admin.post("/admin/sla/calendar/add/", {
        "name": "Profunda", "time_zone": "UTC", "hours": hours, "holidays": "", "closures": "[]",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The JSON is nested too deeply." in response.content.decode()
    assert not Calendar.objects.filter(name="Profunda").exists()


@pytest.mark.parametrize("encoded", ["a%00b", "%00"])
def test_form_posts_with_nul_are_a_400_and_change_nothing(world, encoded):
    agent = page_for(world.admin)
    bulk = agent.post("/bandeja/acciones/", f"ticket={world.ticket_a.pk}&action=tag&tag={encoded}&query=",
                      content_type="application/x-www-form-urlencoded")
    view = agent.post("/bandeja/vistas/", f"name={encoded}&query=", content_type="application/x-www-form-urlencoded")
    assert (bulk.status_code, view.status_code) == (400, 400)
    assert not world.ticket_a.tags.exists()
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("closures", [0, True, None, "2026-12-24", {"a": 1}])
def test_calendar_closures_that_are_not_a_list_are_a_400(world, closures):
    response = world.client_for(world.admin).post("/api/v1/business-calendars/", {
        "name": "Cierres raros", "time_zone": "America/Mexico_City", "hours": {"mon": [["09:00", "18:00"]]},
        "holidays": "MX", "closures": closures}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["closures"]
    assert not Calendar.objects.filter(name="Cierres raros").exists()
