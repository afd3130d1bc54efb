"""Writes for the customer portal: one-time sign-in links, sign-up, and requests.

Requests go through the ticket services as the customer (ticket_create, message_create,
ticket_update), so the ticket policy decides what a customer may do; nothing is duplicated here.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts import throttle
from atiende.accounts.models import User, UserKind, normalize_email
from atiende.accounts.services import customer_login_create
from atiende.assets.selectors import asset_get
from atiende.assets.services import asset_link_on_create
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.core.jobs import enqueue_after_response
from atiende.customers.services import customer_get_or_create_by_email
from atiende.selfservice.selectors import Walk, suggestions_for_request, walk_transcript
from atiende.selfservice.services import suggestion_missed
from atiende.tickets.models import Channel, Message, Ticket
from atiende.tickets.services import message_create, ticket_create, ticket_update
from atiende.tickets.status import TicketStatus

from . import tokens
from .categories import CATEGORY_FIELD
from .models import PendingSignup
from .tasks import send_sign_in_link, send_signup_confirmation

# --- signing in with a link ----------------------------------------------------------------------


def sign_in_link_request(*, email: str, client_ip: str, site: str, language: str) -> None:
    """Mail a one-time sign-in link when `email` belongs to an active customer login.

    The caller says the same thing whatever happens ("if the address is ours, a link is on its
    way"), and the request does the same work for every address: the background task looks the
    address up and mails only a customer, after the response (core.jobs.enqueue_after_response),
    so neither the answer nor its timing tells whether the address exists. Raises LoginThrottled
    over the limits for mail requests (accounts.throttle.request_allowed)."""
    address = normalize_email(email)
    throttle.request_allowed(email=address, client_ip=client_ip)
    enqueue_after_response(send_sign_in_link, email=address, site=site, language=language)


def _link_user(token: str, *, lock: bool) -> User | None:
    claim = tokens.read_sign_in_token(token, clock.now())
    if claim is None:
        return None
    users = User.objects.filter(pk=claim.user_id, kind=UserKind.CUSTOMER, is_active=True)
    user = (users.select_for_update() if lock else users).first()
    if user is None or tokens.account_state(user) != claim.state:
        return None
    return user


def sign_in_link_check(*, token: str) -> bool:
    """Whether the link would still sign someone in (it is not used up by looking)."""
    return _link_user(token, lock=False) is not None


def sign_in_link_use(*, token: str) -> User:
    """The customer the link signs in. Moves `last_login` under a row lock, so the link works
    exactly once even when opened twice at the same moment. Invalid when expired, used or forged."""
    with transaction.atomic():
        user = _link_user(token, lock=True)
        if user is None:
            raise Invalid(_("This sign-in link has expired or was already used. Ask for a new one."),
                          code="link_invalid")
        user.last_login = clock.now()
        user.save(update_fields=["last_login"])
    return user


# --- signing up ----------------------------------------------------------------------------------


def signup_request(*, name: str, email: str, password: str, client_ip: str, site: str, language: str,
                   allowed: bool) -> None:
    """Ask the address to confirm a new portal account; no account changes until it does.

    `allowed` is the branding's `allow_signup` (Forbidden when off). Invalid for a bad name,
    address or password (by field); LoginThrottled over the sign-in limits. An address that
    belongs to an agent gets nothing, silently: the answer is the same for every address."""
    if not allowed:
        raise Forbidden()
    address, name = normalize_email(email), " ".join((name or "").split())
    errors = signup_errors(name=name, address=address, password=password)
    if errors:
        raise Invalid(fields=errors)
    throttle.request_allowed(email=address, client_ip=client_ip)
    # The same work for every address, an agent's included (hash, row, job): the task, after the
    # response, drops what an agent's address asked for.
    now = clock.now()
    hashed = make_password(password)
    with transaction.atomic():
        PendingSignup.objects.filter(created_at__lt=now - tokens.SIGNUP_LIFETIME).delete()
        pending = PendingSignup.objects.create(email=address, name=name, password=hashed,
                                               language=language, nonce=secrets.token_hex(16), created_at=now)
        enqueue_after_response(send_signup_confirmation, pending_id=pending.pk, site=site)


def signup_errors(*, name: str, address: str, password: str) -> dict[str, list[str]]:
    """What is wrong with a sign-up, by field (the form shows these before calling the service)."""
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Write your name.")]
    elif len(name) > 200:
        errors["name"] = [_("Use at most 200 characters.")]
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    try:
        validate_password(password, user=User(email=address, name=name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


def _pending(token: str, *, lock: bool) -> PendingSignup | None:
    found = tokens.read_signup_token(token)
    if found is None:
        return None
    rows = PendingSignup.objects.filter(pk=found[0], nonce=found[1],
                                        created_at__gte=clock.now() - tokens.SIGNUP_LIFETIME)
    return (rows.select_for_update() if lock else rows).first()


def signup_check(*, token: str) -> bool:
    return _pending(token, lock=False) is not None


def signup_confirm(*, token: str) -> User:
    """Create (or complete) the customer's account from a confirmed sign-up; the link then dies.

    The address is proven, so an existing customer record with it gets the login attached
    (customer_get_or_create_by_email) and an existing customer login gets the chosen password."""
    invalid = Invalid(_("This confirmation link has expired or was already used. Sign up again."),
                      code="link_invalid")
    with transaction.atomic():
        pending = _pending(token, lock=True)
        if pending is None:
            raise invalid
        PendingSignup.objects.filter(email=pending.email).delete()
        if User.objects.filter(email=pending.email, kind=UserKind.AGENT).exists():
            raise invalid
        customer = customer_get_or_create_by_email(email=pending.email, name=pending.name)
        user = customer.user
        if user is not None and user.email != pending.email:
            # The address is another of the customer's identities: proving it must not hand over
            # the login of the address they sign in with.
            raise invalid
        if user is None:
            try:
                user = customer_login_create(email=pending.email, name=customer.name, password=None)
            except Conflict:  # a login with this address belongs to nobody's record: leave it be
                raise invalid from None
            customer.user = user
            customer.save(update_fields=["user"])
        user.password = pending.password
        user.last_login = clock.now()
        user.save(update_fields=["password", "last_login"])
    return user


# --- requests ------------------------------------------------------------------------------------


def request_create(*, actor: User, subject: str, description: str, category: str = "",
                   uploads: Sequence[UploadedFile] = (), language: str = "", asset_id: int | None = None) -> Ticket:
    """A new request from the portal, as the signed-in customer; `asset_id`: the product of theirs
    it is about (one they may see), linked to the ticket with it. When no article would have
    answered its subject, the subject is logged as a search without results (what to write next)."""
    custom_fields = {CATEGORY_FIELD: category} if category else None
    with transaction.atomic():
        asset = asset_get(user=actor, asset_id=asset_id) if asset_id is not None else None
        attach = (lambda ticket: asset_link_on_create(ticket=ticket, asset=asset)) if asset is not None else None
        ticket = ticket_create(actor=actor, subject=subject, body=description, channel=Channel.PORTAL,
                               custom_fields=custom_fields, uploads=uploads, attach=attach)
    if language and not suggestions_for_request(viewer=actor, subject=subject, language=language, limit=1):
        suggestion_missed(text=subject)
    return ticket


def guided_request_create(*, actor: User, walk: Walk, description: str = "") -> Ticket:
    """A request from a troubleshooter the customer walked to its end: its first message carries
    the path they took (every question and their answer), so nobody asks again."""
    text = "\n\n".join(part for part in (description.strip(), walk_transcript(walk)) if part)
    return ticket_create(actor=actor, subject=walk.troubleshooter.title, body=text, channel=Channel.PORTAL)


def request_reply(*, actor: User, ticket: Ticket, body: str, uploads: Sequence[UploadedFile] = ()) -> Message:
    return message_create(actor=actor, ticket=ticket, body=body, channel=Channel.PORTAL, uploads=uploads)


# What each portal button asks of the ticket; the ticket policy decides whether it may.
STATUS_ACTIONS: dict[str, str] = {"solve": TicketStatus.SOLVED, "reopen": TicketStatus.OPEN}


def request_status_change(*, actor: User, ticket: Ticket, action: str) -> Ticket:
    if action not in STATUS_ACTIONS:
        raise Invalid(fields={"action": _("Unknown action.")})
    changes: dict[str, Any] = {"status": STATUS_ACTIONS[action]}
    return ticket_update(actor=actor, ticket=ticket, changes=changes)
