"""Two approvals of the same request at once: the credit's row is locked and its status re-read,
so exactly one wins and the other gets "already_decided". One approver's two approvals at once:
their row is locked while their month is summed, so both cannot squeeze under the monthly limit.
Real on PostgreSQL; SQLite serializes writers anyway, so there it only shows the outcome."""

from __future__ import annotations

import pytest

from atiende.core.models import AuditEntry
from atiende.credits import services
from atiende.credits.models import Credit, CreditStatus
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _pending(world, amount="900.00") -> Credit:
    return services.credit_offer(actor=world.agent1, ticket=world.ticket_a, kind="credit", amount=amount,
                                 reason="Caída de dos días")


def test_two_approvals_of_the_same_request_one_wins(world):
    credit = _pending(world)

    outcomes = race(lambda: services.credit_approve(actor=world.supervisor, credit=credit),
                    lambda: services.credit_approve(actor=world.admin, credit=credit))

    assert sorted(outcomes) == ["already_decided", "ok"]
    stored = Credit.objects.get(pk=credit.pk)
    assert stored.status == CreditStatus.APPROVED and stored.message_id is not None
    assert AuditEntry.objects.filter(action="credit.approved").count() == 1


def test_an_approval_and_a_rejection_at_once_one_wins(world):
    credit = _pending(world)

    outcomes = race(lambda: services.credit_approve(actor=world.supervisor, credit=credit),
                    lambda: services.credit_reject(actor=world.admin, credit=credit))

    assert sorted(outcomes) == ["already_decided", "ok"]
    assert AuditEntry.objects.filter(action__in=["credit.approved", "credit.rejected"]).count() == 1


def test_one_approvers_two_approvals_at_once_stay_within_their_month(world):
    services.credit_limit_set(actor=world.admin, role="supervisor", per_credit="5000", per_month="1500")
    first, second = _pending(world), _pending(world)

    outcomes = race(lambda: services.credit_approve(actor=world.supervisor, credit=first),
                    lambda: services.credit_approve(actor=world.supervisor, credit=second))

    assert sorted(outcomes) == ["Forbidden", "ok"]
    assert Credit.objects.filter(status=CreditStatus.APPROVED).count() == 1
