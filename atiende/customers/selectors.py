"""Reads for customers and organizations, always through the permission policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from atiende.accounts.models import User
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound

from .identities import PHONE_KINDS, normalize_identity
from .models import Customer, Identity, IdentityKind, Organization
from .permissions import customer_scope, organization_scope


def customer_list(*, user: User, email: str | None = None, phone: str | None = None,
                  organization_id: int | None = None) -> QuerySet[Customer]:
    qs = (
        Customer.objects.filter(customer_scope(user), merged_into__isnull=True)  # merged profiles live on in the survivor
        .select_related("organization")
        .prefetch_related("identities")
    )
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


def customer_get(*, user: User, customer_id: int, follow_merges: bool = False) -> Customer:
    """The customer `user` may see; with `follow_merges`, a merged profile's id answers with the
    profile it survives in (reads only: a change or a deletion names the survivor itself)."""
    customer = customer_list(user=user).filter(pk=customer_id).first()
    if customer is None and follow_merges and is_id(customer_id):
        survivor = customer_survivor_id(customer_id=customer_id)
        customer = customer_list(user=user).filter(pk=survivor).first() if survivor != customer_id else None
    if customer is None:
        raise NotFound()
    return customer


MAX_MERGE_HOPS = 50


def customer_survivor_id(*, customer_id: int) -> int:
    """The id of the profile `customer_id` lives on in: itself unless merged, else the end of
    its chain of merges (A merged into B, B into C: C). No permission check: callers read the
    survivor through the policy. A query per hop; chains are short (each hop is a person's
    duplicate profile)."""
    current = customer_id
    for _hop in range(MAX_MERGE_HOPS):
        following = Customer.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if following is None:
            return current
        current = following
    return current


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


def customer_search(*, user: User, text: str, exclude_id: int | None = None, limit: int = 10) -> list[Customer]:
    """Profiles `user` may see (merged ones never) whose name, email address, phone or handle
    contains `text`, or whose phone is `text` written any way ("55 1234 5678", "+52 1 55…"):
    how an agent finds the profile to merge into."""
    text = " ".join((text or "").replace("\x00", "").split())[:100]
    if len(text) < 2:
        return []
    match = Q(name__icontains=text) | Q(identities__value__icontains=text.lower())
    for kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        try:
            match |= Q(identities__kind=kind, identities__value=normalize_identity(kind, text))
        except ValidationError:
            pass
    found = customer_list(user=user).filter(match)
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    return list(found.distinct()[:limit])
