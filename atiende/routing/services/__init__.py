"""Writes for routing: availability, assignment, escalation, consultations and configuration."""

from .assignment import ticket_assign_in_team, ticket_route_on_arrival, waiting_assign
from .availability import availability_set, profile_for
from .consultations import consultation_answer, consultation_open, consultation_scan
from .escalation import ticket_escalate

__all__ = [
    "availability_set", "consultation_answer", "consultation_open", "consultation_scan", "profile_for",
    "ticket_assign_in_team", "ticket_escalate", "ticket_route_on_arrival", "waiting_assign",
]
