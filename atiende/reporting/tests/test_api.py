"""GET /api/v1/staffing/erlang-c/: the answer, every refusal with its reason, who may ask."""

from __future__ import annotations

import pytest

URL = "/api/v1/staffing/erlang-c/"
# The Call Centre Helper example (test_erlang.py): 14 agents for 80 % within 20 s.
EXAMPLE = {"contacts_per_hour": "200", "aht_seconds": "180", "target_seconds": "20", "service_level": "0.8",
           "shrinkage": "0.3"}


def test_supervisors_get_agents_and_scheduled_heads(world):
    response = world.client_for(world.supervisor).get(URL, EXAMPLE)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["agents"], body["scheduled"]) == (14, 20)  # ⌈14 / 0.7⌉
    assert body["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert body["asa_seconds"] == pytest.approx(7.84, abs=0.01)
    assert body["occupancy"] == pytest.approx(10 / 14, abs=1e-6)


def test_targets_default_to_80_percent_in_20_seconds_with_30_percent_shrinkage(world):
    body = world.client_for(world.admin).get(URL, {"contacts_per_hour": "200", "aht_seconds": "180"}).json()

    assert (body["agents"], body["scheduled"]) == (14, 20)


@pytest.mark.parametrize(("changes", "field"), [
    ({"contacts_per_hour": "-5"}, "contacts_per_hour"),
    ({"aht_seconds": "0"}, "aht_seconds"),
    ({"aht_seconds": ""}, "aht_seconds"),
    ({"service_level": "1"}, "service_level"),
    ({"service_level": "0"}, "service_level"),
    ({"service_level": "1.5"}, "service_level"),
    ({"shrinkage": "1"}, "shrinkage"),
    ({"shrinkage": "nan"}, "shrinkage"),
    ({"target_seconds": "1e3"}, "target_seconds"),
    ({"contacts_per_hour": "²"}, "contacts_per_hour"),
])
def test_values_that_cannot_be_used_are_a_400_naming_them(world, changes, field):
    response = world.client_for(world.supervisor).get(URL, {**EXAMPLE, **changes})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field]  # a sentence saying what is expected


def test_a_load_no_sensible_number_of_agents_serves_is_a_400_that_says_so(world):
    response = world.client_for(world.supervisor).get(URL, {**EXAMPLE, "contacts_per_hour": "1000000",
                                                           "aht_seconds": "3600"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "load_too_high"
    assert "10000 agents" in error["message"]


@pytest.mark.parametrize("who", ["agent1", "collaborator", "customer_a"])
def test_agents_and_customers_may_not_ask(world, who):
    user = getattr(world, who)
    user = user.user if hasattr(user, "user") else user

    assert world.client_for(user).get(URL, EXAMPLE).status_code == 403
    assert world.client_for(user).get(URL, {"aht_seconds": "0"}).status_code == 403  # before any parsing
    assert world.client_for(None).get(URL, EXAMPLE).status_code in (401, 403)
