"""The staffing page /bandeja/personal/: charts with their numbers, the targets form, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from atiende.core import clock
from atiende.reporting.tests.history import plant
from atiende.tickets.models import Ticket

URL = "/bandeja/personal/"
NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
HISTORY_START = datetime(2026, 10, 5, tzinfo=ZoneInfo("America/Mexico_City"))


@pytest.fixture(autouse=True)
def _english_and_pinned(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"), clock.frozen_at(NOW):
        yield


@pytest.fixture
def history(world):
    # Tuesdays 10:00 local: 12 phone calls and 30 emails a week for eight weeks.
    arrivals = [(HISTORY_START + timedelta(weeks=w, days=1, hours=10, minutes=m), channel)
                for w in range(8) for channel, n in (("phone", 12), ("email", 30)) for m in range(n)]
    return plant(world.customer_a, arrivals)


def test_supervisors_see_the_heat_map_forecast_and_table(world, page_client, history):
    response = page_client(world.supervisor).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("arrivals-heat-map", "forecast-chart", "heads-chart"):
        assert f'id="{chart}"' in html
    assert html.count("<svg") == 3 and 'aria-hidden="true"' in html
    assert "Show the numbers" in html
    assert html.count('class="chart-table"') == 3
    assert "The week starting" in html and "America/Mexico_City" in html
    assert html.count("<tr><th scope=\"row\">") >= 168 * 2  # the staffing table: every hour, both channels


def test_the_targets_form_keeps_what_was_asked_and_refuses_nonsense(world, page_client, history):
    page = page_client(world.admin)

    asked = page.get(URL, {"service_level": "0.9", "shrinkage": "0.1"})
    refused = page.get(URL, {"service_level": "1.5", "deferred_hours": "0"})

    assert asked.status_code == 200 and 'value="0.9"' in asked.content.decode()
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "strictly between 0 and 1" in body and "from 1 to 168 hours" in body
    assert 'aria-invalid="true"' in body and "<svg" not in body


def test_the_csv_has_a_bom_and_the_same_rows_as_the_table(world, page_client, history):
    world.supervisor.language = "es-mx"  # a Spanish speaker: the channel reads "Teléfono"
    world.supervisor.save(update_fields=["language"])
    response = page_client(world.supervisor).get(URL, {"formato": "csv", "shrinkage": "0.2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="personal-2026-12-07.csv"'
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(header) == 9 and len(body) == 168 * 2
    phone_at_ten = [row for row in body if row[0].startswith("2026-12-08T10:00") and row[1] == "Teléfono"]
    assert len(phone_at_ten) == 1 and float(phone_at_ten[0][3]) == pytest.approx(12.0)
    assert int(phone_at_ten[0][8]) >= int(phone_at_ten[0][4]) > 0


def test_labels_are_escaped_in_the_charts(world, page_client):
    from atiende.reporting import charts

    figure = charts.bar_chart(chart_id="x", title="<b>Equipos</b>", groups=[("<script>alert(1)</script>", 3.0)],
                              value_title="Horas")

    assert "<script>" not in figure and "&lt;script&gt;alert(1)&lt;/script&gt;" in figure
    assert "&lt;b&gt;Equipos&lt;/b&gt;" in figure


@pytest.mark.parametrize("who", ["agent1", "collaborator"])
def test_agents_get_a_404_and_customers_go_to_the_portal(world, page_client, history, who):
    assert page_client(getattr(world, who)).get(URL, {"service_level": "7"}).status_code == 404
    assert page_client(world.customer_a.user).get(URL).status_code == 302
    assert Ticket.objects.count() == history + 2  # nothing written
