"""Writes for customers, their identities and organizations."""

from __future__ import annotations

import unicodedata
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.db import unique_or_conflict
from atiende.core.exceptions import Conflict, Forbidden, Invalid

from . import hooks
from .identities import PHONE_KINDS, normalize_identity
from .models import (
    ContactChannel,
    Customer,
    Identity,
    IdentityKind,
    Organization,
    Sector,
    SupportPlan,
)
from .permissions import (
    SELF_EDITABLE_FIELDS,
    can_change_membership,
    can_delete_customers,
    can_delete_organizations,
    can_edit_customers,
    can_edit_organizations,
    customer_of,
)
from .selectors import MAX_MERGE_HOPS


def _normalized(identities: dict[str, str]) -> dict[str, str]:
    errors: dict[str, Any] = {}
    clean: dict[str, str] = {}
    for kind, value in identities.items():
        if kind not in IdentityKind.values:
            errors[kind] = _("Unknown identity kind.")
            continue
        try:
            clean[kind] = normalize_identity(kind, value)
        except ValidationError as exc:
            errors[kind] = " ".join(exc.messages)
    if errors:
        raise Invalid(fields=errors)
    return clean


def _check_time_zone(time_zone: str) -> None:
    if not time_zone:
        return
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(fields={"time_zone": _("Use an IANA time zone such as America/Mexico_City.")}) from None


def _check_channel(channel: str) -> None:
    if channel and channel not in ContactChannel.values:
        raise Invalid(fields={"preferred_channel": _("Choose email, WhatsApp or Telegram.")})


def _set_identities(customer: Customer, identities: dict[str, str]) -> None:
    for kind, value in _normalized(identities).items():
        taken = Identity.objects.filter(kind=kind, value=value).exclude(customer=customer).exists()
        if taken:
            raise Conflict(_("Another customer already has this identity."), fields={kind: _("Already in use.")})
        Identity.objects.filter(customer=customer, kind=kind, is_primary=True).update(is_primary=False)
        Identity.objects.update_or_create(customer=customer, kind=kind, value=value, defaults={"is_primary": True})


def customer_create(
    *,
    name: str,
    identities: dict[str, str],
    organization: Organization | None = None,
    is_organization_admin: bool = False,
    language: str = "",
    time_zone: str = "",
    password: str | None = None,
    login: bool = True,
    preferred_name: str = "",
    preferred_channel: str = "",
) -> Customer:
    """Create a contact. With an email identity a (possibly password-less) login is made too,
    unless `login` is False (the address already signs in as an agent)."""
    clean = _normalized(identities)
    _check_time_zone(time_zone)
    _check_channel(preferred_channel)
    if not clean:
        raise Invalid(_("A customer needs at least one identity (email, phone, WhatsApp or Telegram)."),
                      fields={"email": _("This field is required.")})
    with unique_or_conflict(_("A customer with this identity already exists."), field="identities"):
        customer = Customer.objects.create(
            name=name.strip() or clean.get("email", "") or next(iter(clean.values())),
            preferred_name=preferred_name.strip(),
            organization=organization,
            is_organization_admin=is_organization_admin and organization is not None,
            language=language,
            time_zone=time_zone,
            preferred_channel=preferred_channel,
        )
        Identity.objects.bulk_create(
            [Identity(customer=customer, kind=kind, value=value, is_primary=True) for kind, value in clean.items()]
        )
        if "email" in clean and login:
            from atiende.accounts.services import customer_login_create

            customer.user = customer_login_create(
                email=clean["email"], name=customer.name, password=password, language=language
            )
            customer.save(update_fields=["user"])
    return customer


def customer_create_by(*, actor: User, **fields: Any) -> Customer:
    """`customer_create` for a person. An agent who is not a supervisor may not put the contact in
    an organization, make it the organization's admin or choose its password: that would let
    whoever holds the address read the organization's tickets."""
    if not can_edit_customers(actor):
        raise Forbidden()
    if not can_change_membership(actor):
        asked = {"organization": fields.get("organization") is not None,
                 "is_organization_admin": bool(fields.get("is_organization_admin")),
                 "password": bool(fields.get("password"))}
        _refuse_membership([name for name, given in asked.items() if given])
    return customer_create(**fields)


def _refuse_membership(denied: list[str]) -> None:
    if denied:
        raise Forbidden(_("Only supervisors and administrators may change this."),
                        fields={name: _("Only supervisors and administrators may change this.") for name in denied})


def _membership_changes(customer: Customer, changes: dict[str, Any]) -> list[str]:
    """The fields in `changes` that would change who signs in as `customer` or what they see."""
    denied = []
    if "organization" in changes:
        org = changes["organization"]
        if (org.pk if org is not None else None) != customer.organization_id:
            denied.append("organization")
    if "is_organization_admin" in changes and bool(changes["is_organization_admin"]) != customer.is_organization_admin:
        denied.append("is_organization_admin")
    email = (changes.get("identities") or {}).get(IdentityKind.EMAIL)
    if email is not None:
        value = _normalized({IdentityKind.EMAIL: email})[IdentityKind.EMAIL]
        if not customer.identities.filter(kind=IdentityKind.EMAIL, value=value).exists():
            denied.append(IdentityKind.EMAIL)  # a new address could sign up into this login
    return denied


def _current(customer: Customer) -> Customer:
    """The profile a new message goes to. Inside the caller's transaction the row is locked, so a
    merge of this profile that is committing meanwhile is waited for and then followed to its
    survivor: a message racing a merge never lands on the merged profile."""
    if transaction.get_autocommit():
        return customer
    for _hop in range(MAX_MERGE_HOPS):
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.merged_into_id is None:
            return locked
        customer = Customer(pk=locked.merged_into_id)
    return locked


def customer_get_or_create_by_email(*, email: str, name: str = "") -> Customer:
    """The customer owning this email, created when unknown (inbound mail, agent-made tickets).

    An address an agent signs in with gets a customer record without a login: mail that only
    claims to come from an agent is kept as a customer's, never as the agent's."""
    address = _normalized({"email": email})["email"]
    existing = Customer.objects.filter(identities__kind=IdentityKind.EMAIL, identities__value=address).first()
    if existing is not None:
        return _current(existing)
    try:
        from atiende.accounts.models import User

        agent_address = User.objects.filter(email__iexact=address).exists()
        return customer_create(name=name or address.split("@")[0], identities={"email": address}, login=not agent_address)
    except Conflict:  # created concurrently: take theirs
        return Customer.objects.get(identities__kind=IdentityKind.EMAIL, identities__value=address)


def customer_update(*, actor: User, customer: Customer, changes: dict[str, Any]) -> Customer:
    own_record = customer_of(actor) is not None and customer_of(actor).pk == customer.pk
    if not can_edit_customers(actor):
        forbidden = set(changes) - SELF_EDITABLE_FIELDS
        if not own_record or forbidden:
            raise Forbidden(fields={key: _("You may not change this field.") for key in forbidden})
    elif not can_change_membership(actor):
        _refuse_membership(_membership_changes(customer, changes))
    _check_time_zone(changes.get("time_zone", ""))
    _check_channel(changes.get("preferred_channel", ""))
    identities = changes.pop("identities", None)
    with transaction.atomic():
        for field in ("name", "preferred_name", "organization", "is_organization_admin", "language", "time_zone",
                      "preferred_channel", "notes"):
            if field in changes:
                setattr(customer, field, changes[field])
        if customer.organization_id is None:
            customer.is_organization_admin = False
        customer.save()
        if identities:
            _set_identities(customer, identities)
    return customer


def customer_delete(*, actor: User, customer: Customer) -> None:
    if not can_delete_customers(actor):
        raise Forbidden()
    if customer.tickets.exists():
        raise Conflict(_("This customer has tickets and cannot be deleted."))
    try:
        with transaction.atomic():
            user = customer.user
            customer.delete()
            if user is not None:
                user.delete()
    except ProtectedError:  # profiles merged into it, or a merge record naming it: history to keep
        raise Conflict(_("This customer has merged profiles and cannot be deleted.")) from None


def organization_create(*, actor: User | None, name: str, segment: str, sector: Sector | None = None,
                        support_plan: SupportPlan | None = None, account_manager: User | None = None,
                        notes: str = "") -> Organization:
    """`actor=None` is the system (demo data, imports)."""
    if actor is not None and not can_edit_organizations(actor):
        raise Forbidden()
    _check_account_manager(account_manager)
    with unique_or_conflict(_("An organization with this name already exists.")):
        return Organization.objects.create(name=name.strip(), segment=segment, sector=sector,
                                           support_plan=support_plan, account_manager=account_manager, notes=notes)


def _check_account_manager(user: User | None) -> None:
    if user is not None and not user.is_agent:
        raise Invalid(fields={"account_manager": _("The account manager must be an agent.")})


def organization_update(*, actor: User, organization: Organization, changes: dict[str, Any]) -> Organization:
    if not can_edit_organizations(actor):
        raise Forbidden()
    _check_account_manager(changes.get("account_manager"))
    recorded: list[hooks.Change] = []
    for field in ("name", "segment", "sector", "support_plan", "account_manager", "notes"):
        if field in changes and getattr(organization, field) != changes[field]:
            recorded.append((field, getattr(organization, field), changes[field]))
            setattr(organization, field, changes[field])
    with unique_or_conflict(_("An organization with this name already exists.")):
        organization.save()
    if recorded:
        hooks.organization_changed(organization, changes=recorded)
    return organization


def organization_delete(*, actor: User, organization: Organization) -> None:
    if not can_delete_organizations(actor):
        raise Forbidden()
    if organization.tickets.exists():
        raise Conflict(_("This organization has tickets and cannot be deleted."))
    organization.delete()


def customers_get_or_create_by_emails(named: dict[str, str]) -> dict[str, Customer]:
    """`customer_get_or_create_by_email` for many addresses at once ({address: display name} in,
    {address: customer} out), in a handful of queries: imports take in thousands of senders.

    Addresses are normalized as single creation does; an address an agent signs in with gets a
    customer without a login. When another process creates one of them meanwhile, this falls
    back to creating them one by one."""
    from atiende.accounts.models import UserKind

    normal = {address: _normalized({"email": address})["email"] for address in named}
    wanted = {normal[address]: name for address, name in named.items()}
    found = {
        identity.value: identity.customer
        for identity in Identity.objects.filter(kind=IdentityKind.EMAIL, value__in=list(wanted)).select_related("customer")
    }
    missing = [address for address in wanted if address not in found]
    if not missing:
        return {address: found[normal[address]] for address in named}
    taken = set(User.objects.filter(email__in=missing).values_list("email", flat=True))
    try:
        with transaction.atomic():
            users = {address: User(email=address, name=(wanted[address] or address.split("@")[0])[:150],
                                   kind=UserKind.CUSTOMER, role="") for address in missing if address not in taken}
            for user in users.values():
                user.set_unusable_password()
            User.objects.bulk_create(users.values())
            customers = {address: Customer(name=(wanted[address] or address.split("@")[0])[:200], user=users.get(address))
                         for address in missing}
            Customer.objects.bulk_create(customers.values())
            Identity.objects.bulk_create(
                [Identity(customer=customer, kind=IdentityKind.EMAIL, value=address, is_primary=True)
                 for address, customer in customers.items()]
            )
    except IntegrityError:
        customers = {address: customer_get_or_create_by_email(email=address, name=wanted[address]) for address in missing}
    both = {**found, **customers}
    return {address: both[normal[address]] for address in named}


def email_mark_undeliverable(*, address: str) -> None:
    """A mail server reported `address` permanently unreachable: replies are no longer sent to it
    (the mail channel asks; the address is its, the identity is the customer's)."""
    Identity.objects.filter(kind=IdentityKind.EMAIL, value=address.lower()).update(undeliverable=True)


def customer_get_or_create_by_identity(*, kind: str, value: str, name: str = "") -> Customer:
    """The customer reached at this identity, created when unknown (inbound channels: WhatsApp,
    Telegram, phone calls, chat visitors, and email as `customer_get_or_create_by_email`).

    A phone number is one number whether it came as a phone or a WhatsApp identity (both are
    E.164 once normalized, and Mexican mobiles lose WhatsApp's extra "1"): a WhatsApp message
    from a number an agent recorded as the customer's phone finds that customer, and the
    WhatsApp identity is added to them. A new customer is named `name` (the channel's display
    name), else the value itself; only email identities get a login. Invalid when the kind is
    unknown or the value is not one of its kind."""
    # The display name with composed accents (a phone may send "José" as "Jose" and a combining
    # accent, which a search for "José" would miss), no control or format characters, one space.
    name = "".join("" if unicodedata.category(char) == "Cf" else " " if unicodedata.category(char) in ("Cc", "Zl", "Zp")
                   else char for char in unicodedata.normalize("NFC", name or ""))
    name = " ".join(name.split())[:200].strip()
    if kind == IdentityKind.EMAIL:
        return customer_get_or_create_by_email(email=value, name=name)
    clean = _normalized({kind: value})[kind]
    kinds = [kind, *(other for other in PHONE_KINDS if other != kind)] if kind in PHONE_KINDS else [kind]
    found = {identity.kind: identity for identity in
             Identity.objects.filter(kind__in=kinds, value=clean).select_related("customer")}
    if kind in found:
        return _current(found[kind].customer)
    display = name or clean
    try:
        with transaction.atomic():
            for other in kinds[1:]:
                if other in found:  # the same number by another kind: theirs, now by this kind too
                    customer = found[other].customer
                    Identity.objects.create(customer=customer, kind=kind, value=clean,
                                            is_primary=not customer.identities.filter(kind=kind).exists())
                    return customer
            return customer_create(name=display, identities={kind: clean}, login=False)
    except (IntegrityError, Conflict):  # created concurrently: take theirs
        return Customer.objects.get(identities__kind=kind, identities__value=clean)

