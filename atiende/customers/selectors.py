"""Reads for customers and organizations, always through the permission policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import NotFound

from .identities import normalize_identity
from .models import Customer, IdentityKind, Organization
from .permissions import customer_scope, organization_scope


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
        qs = qs.filter(identities__kind=kind, identities__value=value)
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
