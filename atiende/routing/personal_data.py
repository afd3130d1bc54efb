"""Escalation reasons and consultations on the person's tickets: agents' notes that may quote them
(atiende/core/personal_data.py). Internal: erased, not exported."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Subject, register

from .models import Consultation, Escalation


def _erase(subject: Subject) -> None:
    Escalation.objects.filter(ticket_id__in=subject.ticket_ids).update(reason=ERASED)
    Consultation.objects.filter(ticket_id__in=subject.ticket_ids).update(question=ERASED, answer="")


AGENTS = "Agents' routing settings, no customer data."
register(
    "routing",
    covers=["routing.Escalation", "routing.Consultation"],
    exempt={"routing.AgentProfile": AGENTS, "routing.Skill": AGENTS, "routing.AgentSkill": AGENTS,
            "routing.TeamRouting": AGENTS, "routing.RoutingRule": "Routing rules by keyword and segment.",
            "routing.TicketRouting": "Which rule routed a ticket id."},
    erase=_erase,
)
