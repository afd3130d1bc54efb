"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from atiende.core.exceptions import NotFound

from .models import ApiToken, Team, User, UserKind
from .permissions import can_view_directory


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
