"""The figures on hand-built histories (no database)."""

from datetime import UTC, datetime, timedelta

from atiende.metrics.history import Fact, first_contact_resolution, rate, really_solved, reopen_rate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def solved_once(outcome: str = "solved") -> list[Fact]:
    return [Fact("created", at(0)), Fact("first_reply", at(1)), Fact("solved", at(2), episode=1, outcome=outcome)]


def test_really_solved_needs_the_days_to_pass_then_holds():
    history = solved_once()
    assert really_solved(history, now=at(2) + timedelta(days=6, hours=23), days=7) is None
    assert really_solved(history, now=at(2) + timedelta(days=7), days=7) is True


def test_workaround_counts_and_not_solved_does_not():
    later = at(2) + timedelta(days=30)
    assert really_solved(solved_once("workaround"), now=later, days=7) is True
    assert really_solved(solved_once("not_solved"), now=later, days=7) is False
    assert really_solved(solved_once(""), now=later, days=7) is False  # no outcome given: not known solved
    assert really_solved([Fact("created", at(0))], now=later, days=7) is False


def test_reopened_within_the_days_is_not_really_solved_until_solved_again():
    history = [*solved_once(), Fact("reopened", at(2) + timedelta(days=3), episode=1)]
    later = at(2) + timedelta(days=30)
    assert really_solved(history, now=later, days=7) is False
    resolved = [*history, Fact("solved", at(2) + timedelta(days=4), episode=2, outcome="solved")]
    assert really_solved(resolved, now=later, days=7) is True
    assert really_solved(resolved, now=at(2) + timedelta(days=5), days=7) is None


def test_negative_answer_of_the_last_episode_spoils_it_a_later_better_one_mends_it():
    later = at(2) + timedelta(days=30)
    bad = [*solved_once(), Fact("survey_answered", at(5), episode=1, rating=2)]
    assert really_solved(bad, now=later, days=7) is False
    assert really_solved([*bad, Fact("survey_answered", at(6), episode=1, rating=4)], now=later, days=7) is True
    neutral = [*solved_once(), Fact("survey_answered", at(5), episode=1, rating=3)]
    assert really_solved(neutral, now=later, days=7) is True
    # A bad answer about an earlier episode does not judge the last one.
    earlier = [*bad, Fact("reopened", at(7), episode=1), Fact("solved", at(8), episode=2, outcome="solved")]
    assert really_solved(earlier, now=later, days=7) is True


def test_first_contact_resolution():
    assert first_contact_resolution(solved_once()) is True
    two_replies = [Fact("created", at(0)), Fact("first_reply", at(1)), Fact("reply", at(1.5)),
                   Fact("solved", at(2), episode=1, outcome="solved")]
    assert first_contact_resolution(two_replies) is False
    customer_wrote_back = [Fact("created", at(0)), Fact("first_reply", at(1)), Fact("customer_reply", at(1.2)),
                           Fact("solved", at(2), episode=1, outcome="solved")]
    assert first_contact_resolution(customer_wrote_back) is False
    no_reply = [Fact("created", at(0)), Fact("solved", at(2), episode=1, outcome="solved")]
    assert first_contact_resolution(no_reply) is False
    assert first_contact_resolution([*solved_once(), Fact("reopened", at(30), episode=1)]) is False
    assert first_contact_resolution(solved_once("not_solved")) is False
    # Replies after the solve (a thank-you) do not undo a first-contact resolution.
    assert first_contact_resolution([*solved_once(), Fact("customer_reply", at(3), episode=1)]) is True


def test_reopen_rate_counts_solved_tickets_only():
    never_solved = [Fact("created", at(0))]
    reopened = [*solved_once(), Fact("reopened", at(3), episode=1)]
    assert reopen_rate([solved_once(), reopened, never_solved, solved_once()]) == 1 / 3
    assert reopen_rate([never_solved]) is None


def test_rate_skips_the_unknown():
    now = at(2) + timedelta(days=1)
    old = [Fact("created", at(-300)), Fact("solved", at(-299), episode=1, outcome="solved")]
    assert rate([solved_once(), old, [Fact("created", at(0))]], really_solved, now=now, days=7) == 1 / 2
