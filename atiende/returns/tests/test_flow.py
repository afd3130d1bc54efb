"""The order of steps, as a pure function (no database)."""

from __future__ import annotations

import pytest

from atiende.returns.flow import ReturnMethod, RmaState, next_states

S = RmaState
SHIPPING = [(ReturnMethod.COURIER_PICKUP, True), (ReturnMethod.DROP_OFF, True),
            (ReturnMethod.ON_SITE, False), (ReturnMethod.REMOTE, False)]


@pytest.mark.parametrize(("method", "travels"), SHIPPING)
def test_the_whole_table(method, travels):
    back = ["shipped_back"] if travels else ["closed"]
    expected = {
        S.REQUESTED: ["approved", "rejected"],
        S.APPROVED: ["received", "rejected"],
        S.RECEIVED: ["diagnosed"],
        S.DIAGNOSED: ["repaired", "replaced", "refunded", "rejected"],
        S.REPAIRED: back,
        S.REPLACED: back,
        S.REFUNDED: ["closed"],
        S.SHIPPED_BACK: ["closed"],
        S.CLOSED: [],
    }
    for state, steps in expected.items():
        assert list(next_states(state, method=method, received=True)) == steps, state
    # Rejected: what was received goes back (when it travels); what never came in just closes.
    assert list(next_states(S.REJECTED, method=method, received=True)) == back
    assert list(next_states(S.REJECTED, method=method, received=False)) == ["closed"]


def test_unknown_state_has_no_next_step():
    assert next_states("lost", method=ReturnMethod.REMOTE, received=False) == ()
