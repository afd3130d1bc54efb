"""Questions the person typed into self-service and the bot (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import BotConversation, Deflection


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("self_service_questions", Deflection.objects.filter(customer_id__in=subject.customer_ids),
                 ["source", "question", "created_at"])


def _erase(subject: Subject) -> None:
    Deflection.objects.filter(customer_id__in=subject.customer_ids).update(question="", customer=None)
    BotConversation.objects.filter(ticket_id__in=subject.ticket_ids).update(question="")


CONTENT = "Troubleshooting guides written by staff."
register(
    "selfservice",
    covers=["selfservice.Deflection", "selfservice.BotConversation"],
    exempt={"selfservice.Troubleshooter": CONTENT, "selfservice.Step": CONTENT, "selfservice.Answer": CONTENT,
            "selfservice.BotChannel": "Which channels the bot answers."},
    export=_export, erase=_erase,
)
