"""Reads for accounts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from atiende.core.audit import ACTIONS
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.core.models import AuditEntry

from .models import ApiToken, Team, User, UserKind
from .permissions import can_view_directory, is_admin


def token_lookup(*, token: str) -> ApiToken | None:
    """The token record for a presented value; empty or blank values never match."""
    from .services import token_digest

    value = (token or "").strip()
    if not value or value != token or len(value) < 20:
        return None
    return ApiToken.objects.select_related("user").filter(digest=token_digest(value)).first()


def token_list(*, user: User) -> list[ApiToken]:
    """The user's live API tokens, newest first (expired and revoked ones are left out)."""
    from .services import token_is_live

    return [t for t in ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-pk")
            if token_is_live(t)]


def agent_list(*, user: User) -> QuerySet[User]:
    if not can_view_directory(user):
        return User.objects.none()
    return User.objects.filter(kind=UserKind.AGENT).prefetch_related("teams").order_by("name", "id")


def agent_get(*, user: User, agent_id: int) -> User:
    agent = agent_list(user=user).filter(pk=agent_id).first()
    if agent is None:
        raise NotFound()
    return agent


def team_list(*, user: User) -> QuerySet[Team]:
    if not can_view_directory(user):
        return Team.objects.none()
    return Team.objects.prefetch_related("members").order_by("name")


def team_get(*, user: User, team_id: int) -> Team:
    team = team_list(user=user).filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    return team


def team_ids_of(user: User) -> list[int]:
    """The teams an agent belongs to, cached on the user object for the request."""
    cached = getattr(user, "_team_ids", None)
    if cached is None:
        cached = list(user.teams.values_list("id", flat=True))
        user._team_ids = cached
    return cached


def team_ids_load(users: list[User]) -> None:
    """Fill `team_ids_of`'s cache for many users in one query (a check of many agents at once)."""
    teams: dict[int, list[int]] = {user.pk: [] for user in users}
    for user_id, team_id in User.teams.through.objects.filter(user_id__in=teams).values_list("user_id", "team_id"):
        teams[user_id].append(team_id)
    for user in users:
        user._team_ids = teams[user.pk]


def actor_name(user: User) -> str:
    """A user's name as history shows it. A system actor's stored name is in the language it was
    created in; it is shown by its part's name in the active language instead
    (accounts.services.SYSTEM_ACTORS, keyed by the address before the @)."""
    if user.kind == UserKind.SYSTEM:
        from .services import SYSTEM_ACTORS

        label = SYSTEM_ACTORS.get(user.email.partition("@")[0])
        if label is not None:
            return str(label)
    return user.name


# --- the audit log ------------------------------------------------------------------------------

def audit_entries(*, user: User, action: str = "", actor_id: int | None = None,
                  since: datetime | None = None) -> QuerySet[AuditEntry]:
    """The audit log for administrators, newest first. `action`: one action ("auth.sign_in") or
    its group ("auth"); `actor_id`: who acted; `since`: from this instant on."""
    if not is_admin(user):
        raise Forbidden()
    entries = AuditEntry.objects.all()
    if action:
        groups = {name.split(".")[0] for name in ACTIONS}
        if action not in ACTIONS and action not in groups:
            raise Invalid(fields={"action": _("Unknown action.")})
        entries = entries.filter(action=action) if action in ACTIONS else entries.filter(action__startswith=f"{action}.")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return entries.order_by("-created_at", "-id")


AUDIT_COLUMNS = ("id", "created_at", "action", "actor_id", "actor", "ip", "user_agent", "target_type", "target_id",
                 "target", "before", "after")


def audit_table(entries: Iterable[AuditEntry]) -> Iterator[list[Any]]:
    """The entries as rows of AUDIT_COLUMNS (times in UTC, ISO 8601; values as JSON): the CSV
    export of the page and of the API alike."""
    for e in entries:
        yield [e.pk, e.created_at.isoformat(), e.action, e.actor_id or "", e.actor_label, e.ip or "", e.user_agent,
               e.target_type, e.target_id, e.target_label, json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
               json.dumps(e.after, ensure_ascii=False) if e.after is not None else ""]
