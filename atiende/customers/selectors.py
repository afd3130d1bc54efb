"""Reads for customers and organizations, always through the permission policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.accounts.permissions import is_agent
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound

from .identities import PHONE_KINDS, normalize_identity
from .models import Customer, Identity, IdentityKind, Organization
from .permissions import customer_scope, organization_scope

if TYPE_CHECKING:
    from atiende.tickets.models import Ticket


def customer_list(*, user: User, email: str | None = None, phone: str | None = None,
                  organization_id: int | None = None) -> QuerySet[Customer]:
    qs = Customer.objects.filter(customer_scope(user)).select_related("organization").prefetch_related("identities")
    for kind, raw in ((IdentityKind.EMAIL, email), (IdentityKind.PHONE, phone)):
        if raw is None:
            continue
        try:
            value = normalize_identity(kind, raw)
        except ValidationError:
            return qs.none()  # a malformed or empty value matches nobody
        kinds = PHONE_KINDS if kind == IdentityKind.PHONE else (kind,)  # a WhatsApp number is a phone number
        qs = qs.filter(pk__in=Identity.objects.filter(kind__in=kinds, value=value).values("customer_id"))
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return qs.order_by("name", "id")


def customer_get(*, user: User, customer_id: int) -> Customer:
    customer = customer_list(user=user).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


def organization_list(*, user: User) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(organization_scope(user))
        .select_related("sector", "support_plan", "account_manager")
        .order_by("name", "id")
    )


def organization_get(*, user: User, organization_id: int) -> Organization:
    organization = organization_list(user=user).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound()
    return organization


@dataclass(frozen=True)
class CustomerPage:
    customer: Customer
    tickets: list[Ticket]  # newest first, only those the viewer may see
    older_than: int | None  # pass as `before` for the next page; None: this was the last one


def customer_page(*, user: User, customer_id: Any, before: int | None = None, limit: int = 50) -> CustomerPage:
    """A customer's profile and ticket history across channels, for the workspace. Customers
    manage themselves in the portal, so for them (as for anyone else the policy hides the
    customer from, or an impossible id) NotFound."""
    from atiende.tickets.selectors import TicketFilters, ticket_list

    if not is_agent(user) or not is_id(customer_id):
        raise NotFound()
    customer = (
        customer_list(user=user)
        .select_related("organization__support_plan", "organization__account_manager", "organization__sector")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound()
    tickets = ticket_list(user=user, filters=TicketFilters(requester_id=customer.pk)).order_by("-id")
    if before is not None:
        tickets = tickets.filter(pk__lt=before)
    rows = list(tickets[: limit + 1])
    return CustomerPage(customer=customer, tickets=rows[:limit], older_than=rows[limit - 1].pk if len(rows) > limit else None)
