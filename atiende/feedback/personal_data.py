"""The person's survey answers, satisfaction and NPS (atiende/core/personal_data.py). Erasure
keeps the rating and the score (the organisation's figures) and removes the comments."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import NpsSurvey, Survey


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("surveys", Survey.objects.filter(ticket_id__in=subject.ticket_ids),
                 ["ticket__number", "state", "rating", "comment", "sent_at", "answered_at"])
    out.add_rows("nps_surveys", NpsSurvey.objects.filter(customer_id__in=subject.customer_ids),
                 ["state", "score", "comment", "sent_at", "answered_at"])


def _erase(subject: Subject) -> None:
    Survey.objects.filter(ticket_id__in=subject.ticket_ids).update(comment="")
    NpsSurvey.objects.filter(customer_id__in=subject.customer_ids).update(comment="")


register(
    "feedback",
    covers=["feedback.Survey", "feedback.NpsSurvey"],
    exempt={"feedback.SurveySettings": "When surveys are sent.",
            "feedback.NpsSettings": "Who is asked the NPS question, and how many."},
    export=_export, erase=_erase,
)
