"""Who uses and configures the reply checker.

- checking a reply: people who write to customers (administrators, supervisors, agents) — not
  collaborators, not customers, not the system;
- the settings (glossaries, confirmations, technical segments): administrators;
- the coaching reports: supervisors and administrators for everyone, an agent for themselves
  (coaching, not a ranking of colleagues)."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_admin, is_staff_agent, is_system, sees_all_tickets


def can_check_replies(user: Any) -> bool:
    return is_staff_agent(user) and not is_system(user)


def can_configure_checker(user: Any) -> bool:
    return is_admin(user)


def can_view_coaching(user: Any) -> bool:
    return can_check_replies(user)


def sees_every_agent(user: Any) -> bool:
    return can_check_replies(user) and sees_all_tickets(user)
