"""Who may see and change customers and organizations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_admin, is_customer, is_staff_agent, sees_all_tickets

from .models import Customer


def customer_of(user: Any) -> Customer | None:
    """The Customer record behind a customer login (cached by Django on the user)."""
    if not is_customer(user):
        return None
    try:
        return user.customer
    except Customer.DoesNotExist:
        return None


def customer_scope(user: Any) -> Q:
    """Customers visible to `user`: staff agents all; a customer only themselves."""
    if is_staff_agent(user):
        return Q()
    me = customer_of(user)
    if me is not None:
        return Q(pk=me.pk)
    return Q(pk__in=[])


def organization_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    me = customer_of(user)
    if me is not None and me.organization_id is not None:
        return Q(pk=me.organization_id)
    return Q(pk__in=[])


def can_edit_customers(user: Any) -> bool:
    return is_staff_agent(user)


def can_delete_customers(user: Any) -> bool:
    return is_admin(user)


def can_edit_organizations(user: Any) -> bool:
    return sees_all_tickets(user)  # admins and supervisors


def can_change_membership(user: Any) -> bool:
    """Organization membership, the organization-admin flag, a customer's email addresses and
    password decide who signs in as whom and which tickets they read: admins and supervisors."""
    return sees_all_tickets(user)


def can_delete_organizations(user: Any) -> bool:
    return is_admin(user)


# A customer may change these on their own record; everything else is for agents.
SELF_EDITABLE_FIELDS = frozenset({"name", "preferred_name", "language", "time_zone", "preferred_channel"})


def can_merge_customers(user: Any) -> bool:
    """Staff agents merge profiles of one person; some merges need a supervisor (see below)."""
    return is_staff_agent(user)


def merge_changes_membership(source: Customer, target: Customer, *, source_has_email: bool) -> bool:
    """Whether merging `source` into `target` decides who signs in as whom or which company a
    person belongs to, as `can_change_membership` guards for edits: the source brings an email
    address or a login (whoever holds them would read the survivor's tickets), or exactly one of
    the two belongs to an organization (the person joins it)."""
    return source.user_id is not None or source_has_email or source.organization_id != target.organization_id


def can_undo_customer_merges(user: Any) -> bool:
    return is_admin(user)
