"""Writes for accounts: agents, teams, API tokens, sign-in."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.db import unique_or_conflict
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound, Unauthenticated

from . import throttle
from .models import ApiToken, Role, Team, User, UserKind, normalize_email
from .permissions import can_manage_agents
from .throttle import (
    LoginThrottled as LoginThrottled,  # raised by sign_in; callers import it from here
)


def _validated_email(email: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = normalize_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise Invalid(_("Enter a valid email address."), fields={"email": _("Enter a valid email address.")}) from exc
    return address


def _user_create(*, email: str, name: str, kind: str, role: str, password: str | None, language: str = "") -> User:
    address = _validated_email(email)
    user = User(email=address, name=name.strip() or address, kind=kind, role=role, language=language)
    user.is_superuser = kind == UserKind.AGENT and role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    with unique_or_conflict(_("A user with this email already exists."), field="email"):
        user.save()
    return user


# The parts of the product that change tickets on their own, and the name history shows for each.
SYSTEM_ACTORS = {
    "sla": gettext_lazy("SLA rules"),
    "mail": gettext_lazy("Email"),
    "channels": gettext_lazy("Channels"),
    "automation": gettext_lazy("Automation"),
    "routing": gettext_lazy("Routing"),
    "webhooks": gettext_lazy("Webhooks"),
    "kb": gettext_lazy("Knowledge base"),
    "assets": gettext_lazy("Products and assets"),
    "bot": gettext_lazy("Help assistant"),
    "returns": gettext_lazy("Returns and repairs"),
    "arco": gettext_lazy("Personal-data requests"),
    "maintenance": gettext_lazy("Preventive maintenance"),
    "appointments": gettext_lazy("Appointments"),
    "credits": gettext_lazy("Goodwill credits"),
    "privacy": gettext_lazy("Retention rules"),
    "feedback": gettext_lazy("Satisfaction surveys"),
}
SYSTEM_DOMAIN = "system.atiende.invalid"  # .invalid: no mail can ever reach it


def system_actor(key: str) -> User:
    """The named system actor for `key` (one of SYSTEM_ACTORS), created on first use.

    Every change the product makes on its own goes through the same ticket services as a person
    (STYLE.md, arrows), with this user as the actor: history says who, live updates and hooks see
    it. It passes the staff checks (accounts.permissions.is_system) and can never sign in: no
    password, refused by the backend, and no agent picker lists it (kind "system")."""
    if key not in SYSTEM_ACTORS:
        raise ValueError(f"Unknown system actor {key!r}: add it to SYSTEM_ACTORS.")
    email = f"{key}@{SYSTEM_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            user, _created = User.objects.get_or_create(
                email=email, defaults={"name": str(SYSTEM_ACTORS[key]), "kind": UserKind.SYSTEM, "role": "",
                                       "password": make_password(None)})
    return user


def agent_create(
    *, email: str, name: str, role: str = Role.AGENT, password: str | None = None, teams: Iterable[Team] = (), language: str = ""
) -> User:
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    with transaction.atomic():
        user = _user_create(email=email, name=name, kind=UserKind.AGENT, role=role, password=password, language=language)
        user.teams.set(teams)
    return user


def agent_create_by(*, actor: User, **fields) -> User:
    if not can_manage_agents(actor):
        raise Forbidden()
    with transaction.atomic():
        agent = agent_create(**fields)
        audit_record("agent.created", actor=actor, target=agent, after=_access(agent))
    return agent


def _access(agent: User) -> dict:
    """What an agent may do, as the audit log keeps it."""
    return {"role": agent.role, "is_active": agent.is_active, "is_superuser": agent.is_superuser,
            "teams": sorted(agent.teams.values_list("name", flat=True))}


def agent_update(*, actor: User, agent: User, name: str | None = None, role: str | None = None,
                 is_active: bool | None = None, teams: Iterable[Team] | None = None) -> User:
    if not can_manage_agents(actor):
        raise Forbidden()
    before = _access(agent)
    if role is not None:
        if role not in Role.values:
            raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
        agent.role = role
        agent.is_superuser = role == Role.ADMIN
    if name is not None:
        agent.name = name.strip() or agent.name
    if is_active is not None:
        if agent.pk == actor.pk and not is_active:
            raise Conflict(_("You cannot deactivate yourself."))
        agent.is_active = is_active
    with transaction.atomic():
        agent.save()
        if teams is not None:
            agent.teams.set(teams)
        after = _access(agent)
        if after != before:
            audit_record("agent.changed", actor=actor, target=agent, before=before, after=after)
    return agent


def customer_login_create(*, email: str, name: str, password: str | None, language: str = "") -> User:
    """The sign-in account of a customer (the Customer record links to it)."""
    return _user_create(email=email, name=name, kind=UserKind.CUSTOMER, role="", password=password, language=language)


def team_create(*, actor: User, name: str, description: str = "") -> Team:
    if not can_manage_agents(actor):
        raise Forbidden()
    name = name.strip()
    if not name:
        raise Invalid(fields={"name": _("This field is required.")})
    with unique_or_conflict(_("A team with this name already exists.")):
        return Team.objects.create(name=name, description=description)


def team_update(*, actor: User, team: Team, name: str | None = None, description: str | None = None,
                members: Iterable[User] | None = None) -> Team:
    if not can_manage_agents(actor):
        raise Forbidden()
    if name is not None:
        team.name = name.strip() or team.name
    if description is not None:
        team.description = description
    if members is not None:
        members = list(members)
        if any(not m.is_agent for m in members):
            raise Invalid(fields={"members": _("Only agents can be team members.")})
    with unique_or_conflict(_("A team with this name already exists.")):
        team.save()
        if members is not None:
            team.members.set(members)
    return team


def team_delete(*, actor: User, team: Team) -> None:
    if not can_manage_agents(actor):
        raise Forbidden()
    if team.tickets.exists():
        raise Conflict(_("This team still has tickets; move them first."))
    team.delete()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(*, email: str, password: str, client_ip: str) -> User | None:
    """The user for these credentials, or None; `LoginThrottled` over the limits (see throttle).

    Every path that checks a password calls this: the web and portal sign-in, the Django admin's
    login form, the API token endpoint."""
    address = normalize_email(email)
    try:
        attempt = throttle.begin(email=address, client_ip=client_ip)
    except LoginThrottled:
        audit_record("auth.sign_in_throttled", after={"email": address[:254]})
        raise
    user = authenticate(email=address, password=password)
    throttle.finish(attempt, succeeded=user is not None)
    if user is None:
        audit_record("auth.sign_in_failed", after={"email": address[:254]})
    else:
        audit_record("auth.sign_in", actor=user, target=user)
    return user


# --- API tokens ----------------------------------------------------------------------------------

TOKEN_STAMP_SALT = "atiende.accounts.api-token-password"  # the data migration 0005 uses it too


def token_password_stamp(user: User) -> str:
    """A keyed digest of the password hash: it changes whenever the password does."""
    return salted_hmac(TOKEN_STAMP_SALT, user.password, algorithm="sha256").hexdigest()


def token_expires_at(token: ApiToken) -> datetime:
    """Tokens die after API_TOKEN_IDLE_DAYS without use."""
    return (token.last_used_at or token.created_at) + timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def token_is_live(token: ApiToken) -> bool:
    return clock.now() < token_expires_at(token) and constant_time_compare(token.password_stamp, token_password_stamp(token.user))


def token_issue(*, user: User, name: str = "") -> str:
    """Create an API token; the clear value is returned once and never stored. The owner's
    expired and revoked tokens are swept away at the same time."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        dead = [t.pk for t in ApiToken.objects.filter(user=user).select_related("user") if not token_is_live(t)]
        ApiToken.objects.filter(pk__in=dead).delete()
        record = ApiToken.objects.create(user=user, digest=token_digest(token), name=" ".join(name.split())[:100],
                                         password_stamp=token_password_stamp(user))
        audit_record("token.created", actor=user, target=record, target_label=record.name, after={"name": record.name})
    return token


def token_authenticate(*, value: str) -> ApiToken:
    """The live token record for a presented value; Unauthenticated (with why) otherwise."""
    from .selectors import token_lookup

    record = token_lookup(token=value)
    if record is None or not record.user.is_active:
        raise Unauthenticated(_("The API token is not valid."))
    if not constant_time_compare(record.password_stamp, token_password_stamp(record.user)):
        raise Unauthenticated(_("This API token was revoked because the password changed. Sign in again for a new one."))
    if clock.now() >= token_expires_at(record):
        raise Unauthenticated(_("This API token expired after %(days)s days without use. Sign in again for a new one.")
                              % {"days": settings.API_TOKEN_IDLE_DAYS})
    token_touch(token=record)
    return record


def token_revoke(*, actor: User, token_id: int) -> None:
    """Delete one of the actor's own tokens; NotFound for anyone else's."""
    with transaction.atomic():
        token = ApiToken.objects.filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        audit_record("token.revoked", actor=actor, target=token, target_label=token.name, before={"name": token.name})
        token.delete()


def token_touch(*, token: ApiToken) -> None:
    """Record use at most once a minute: no write on every request."""
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
