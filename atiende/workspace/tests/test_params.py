"""The inbox's query parameters (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime

from atiende.workspace.params import Cursor, InboxFilters, parse_query

VIEW_DEFAULTS = {"status": ["new", "open"], "assignee": ["me"], "sort": ["updated"]}


def test_a_view_gives_the_defaults_and_request_keys_replace_them():
    query, notes = parse_query({"priority": ["high"]}, view="mine", defaults=VIEW_DEFAULTS)

    assert notes == []
    assert query.filters == InboxFilters(statuses=("new", "open"), priorities=("high",), assignee="me")
    assert query.query_string(defaults=VIEW_DEFAULTS) == "view=mine&priority=high"


def test_an_empty_value_clears_a_view_filter_and_says_so_in_the_url():
    query, notes = parse_query({"assignee": [""], "status": [""]}, view="mine", defaults=VIEW_DEFAULTS)

    assert query.filters == InboxFilters()
    assert query.query_string(defaults=VIEW_DEFAULTS) == "view=mine&status=&assignee="
    assert parse_query({"assignee": [""], "status": [""]}, view="mine", defaults=VIEW_DEFAULTS)[0] == query


def test_bad_values_are_dropped_with_a_note_each():
    query, notes = parse_query({
        "status": ["open", "nonsense"], "priority": ["p0"], "team": ["-3"], "assignee": ["someone"],
        "organization": ["99999999999999999999999"], "tag": ["x" * 51], "channel": ["fax"],
        "solved_within": ["0"], "sort": ["random"], "after": ["not-a-cursor"],
    })

    assert query.filters == InboxFilters(statuses=("open",))
    assert query.sort == "updated" and query.after is None
    assert len(notes) == 10


def test_values_are_normalised():
    query, _ = parse_query({"tag": ["  Facturación   Urgente "], "team": ["mine"], "assignee": ["none"], "status": ["open", "open"]})

    assert query.filters == InboxFilters(statuses=("open",), team="mine", assignee="none", tag="facturación urgente")


def test_a_cursor_survives_the_round_trip_and_a_tampered_one_does_not():
    cursor = Cursor(segment=2, value=datetime(2026, 3, 2, 15, 0, 7, 123, tzinfo=UTC), pk=41)

    query, notes = parse_query({"sort": ["priority"], "after": [cursor.encode()]})
    assert (query.after, notes) == (cursor, [])

    # Segment 2 means nothing for a single-segment sort; a naive instant is refused too.
    assert parse_query({"after": [cursor.encode()]})[0].after is None
    naive = Cursor(segment=0, value=datetime(2026, 3, 2, 15, 0), pk=1).encode()
    query, notes = parse_query({"before": [naive]})
    assert query.before is None and len(notes) == 1


def test_compact_filters_keep_only_what_filters():
    filters = InboxFilters(statuses=("open",), organization=4, solved_within=7)

    assert filters.compact() == {"status": ["open"], "organization": ["4"], "solved_within": ["7"]}


def test_without_a_view_the_url_still_says_so():
    query, _ = parse_query({"view": [""], "status": [""]})

    assert query.query_string() == "view="
