"""Writes for maintenance: plans (managed by staff), the scheduler's pass that opens visits as
tickets, the visit checklist, and warranty expiry reminders. Decision 0034."""

from .plans import PLAN_FIELDS, company_today, plan_contact, plan_create, plan_delete, plan_update
from .reminders import warranty_reminders_run
from .visits import maintenance_pass, visit_complete, visit_item_set

__all__ = ["PLAN_FIELDS", "company_today", "maintenance_pass", "plan_contact", "plan_create", "plan_delete",
           "plan_update", "visit_complete", "visit_item_set", "warranty_reminders_run"]
