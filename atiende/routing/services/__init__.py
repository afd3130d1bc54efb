"""Writes for routing: availability, assignment, escalation, consultations and configuration."""

from .assignment import ticket_assign_in_team, ticket_route_on_arrival, waiting_assign
from .availability import availability_set, profile_for
from .configuration import (
    agent_routing_update,
    rule_create,
    rule_delete,
    rule_move,
    rule_update,
    skill_create,
    skill_delete,
    skill_update,
    team_routing_update,
)
from .consultations import consultation_answer, consultation_open, consultation_scan
from .escalation import ticket_escalate

__all__ = [
    "agent_routing_update", "rule_create", "rule_delete", "rule_move", "rule_update", "skill_create",
    "skill_delete", "skill_update", "team_routing_update",
    "availability_set", "consultation_answer", "consultation_open", "consultation_scan", "profile_for",
    "ticket_assign_in_team", "ticket_escalate", "ticket_route_on_arrival", "waiting_assign",
]
