"""Writes for accounts: agents, teams, API tokens, sign-in."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.core.db import unique_or_conflict
from atiende.core.exceptions import Conflict, Forbidden, Invalid

from . import throttle
from .models import ApiToken, Role, Team, User, UserKind, normalize_email
from .permissions import can_manage_agents


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
    return agent_create(**fields)


def agent_update(*, actor: User, agent: User, name: str | None = None, role: str | None = None,
                 is_active: bool | None = None, teams: Iterable[Team] | None = None) -> User:
    if not can_manage_agents(actor):
        raise Forbidden()
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


class LoginThrottled(Exception):
    """Too many sign-in attempts for this email or client address."""


def sign_in(*, email: str, password: str, client_ip: str) -> User | None:
    """The user for these credentials, or None; `LoginThrottled` over the limit.

    The attempt is counted before the password is checked, so parallel guesses cannot exceed
    the limit.
    """
    if not throttle.attempt_allowed(email=email, client_ip=client_ip):
        raise LoginThrottled()
    user = authenticate(email=email, password=password)
    if user is not None:
        throttle.reset(email=email)
    return user


def token_issue(*, user: User) -> str:
    """Create an API token; the clear value is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(token))
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record use at most once a minute: no write on every request."""
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
