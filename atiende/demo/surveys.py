"""Outcomes and satisfaction answers on the demo tickets, through the same services as people.

Deterministic by ticket: most solves end solved, some with a workaround, a few not solved (the
customer stopped answering); most surveys are answered, mostly well, a few badly (so "needs
follow-up" has something to show)."""

from __future__ import annotations

from datetime import datetime, timedelta

from atiende.core import clock
from atiende.customers.models import Customer
from atiende.feedback import services as feedback
from atiende.feedback.models import Survey, SurveyState
from atiende.metrics.models import OutcomeReason

NPS_SCORES = [10, 9, 8, 10, 6, 9, 7, 10, 3, 9, 8, None, 10, 9, 5]  # None: never answered
NPS_REASONS = {10: "Siempre me resuelven rápido y con paciencia.", 9: "Muy buen servicio, a veces tardan un poco.",
               6: "El servicio está bien, pero los precios subieron.", 3: "Tuve varias caídas este mes.",
               5: "Me cuesta comunicarme por teléfono."}
NPS_ROUNDS = (170, 80, 12)  # days before the load each round of the question went out (90 days apart)
RATINGS = [5, 4, 5, None, 3, 5, 2, 4, 5, None, 1, 4]  # None: the customer never answered
COMMENTS = {5: "¡Excelente atención, gracias!", 2: "Tardaron demasiado en responder.", 1: "El problema sigue igual."}


def demo_outcome(plan_id: int) -> dict[str, object]:
    if plan_id % 9 == 4:
        reason = OutcomeReason.objects.filter(name="El cliente dejó de responder").values_list("pk", flat=True).first()
        if reason is not None:
            return {"outcome": "not_solved", "outcome_reason": reason}
    return {"outcome": "workaround" if plan_id % 5 == 2 else "solved"}


def load_demo_surveys(*, now: datetime) -> int:
    """Send (without mail) the surveys due before `now` and answer most of them; returns how many."""
    answered = 0
    for survey in Survey.objects.filter(state=SurveyState.SCHEDULED, due_at__lt=now).order_by("due_at", "id"):
        with clock.frozen_at(survey.due_at):
            if not feedback.survey_send(survey_id=survey.pk, notify=False):
                continue
        rating = RATINGS[survey.ticket_id % len(RATINGS)]
        if rating is None:
            continue
        with clock.frozen_at(min(survey.due_at + timedelta(hours=3), now - timedelta(minutes=1))):
            feedback.survey_answer(survey=survey, rating=rating, comment=COMMENTS.get(rating, ""))
        answered += 1
    return answered


def load_demo_nps(*, now: datetime) -> int:
    """Three rounds of the NPS question (90 days apart), each contact a few days apart from the
    next, through the same services as the beat pass (without mail); most answer within days."""
    answered = 0
    customers = list(Customer.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
    for round_number, days in enumerate(NPS_ROUNDS):
        for n, customer_id in enumerate(customers):
            sent_at = now - timedelta(days=days) + timedelta(hours=10 + 7 * n)
            with clock.frozen_at(sent_at):
                survey = feedback.nps_send(customer_id=customer_id, notify=False)
            score = NPS_SCORES[(customer_id + 3 * round_number) % len(NPS_SCORES)]
            if survey is None or score is None:
                continue
            with clock.frozen_at(min(sent_at + timedelta(hours=5 + n), now - timedelta(minutes=1))):
                feedback.nps_answer(survey=survey, score=score, comment=NPS_REASONS.get(score, ""))
            answered += 1
    return answered
