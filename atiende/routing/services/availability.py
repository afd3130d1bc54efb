"""Who is available: what the agent said, within their shift."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid
from atiende.sla.selectors import arithmetic_for

from ..models import AgentProfile, Availability
from ..permissions import can_set_availability


def profile_for(agent: User) -> AgentProfile:
    profile, _created = AgentProfile.objects.get_or_create(agent=agent)
    return profile


def is_available(profile: AgentProfile, now: datetime) -> bool:
    """Online and, when they have a shift, inside it."""
    if profile.availability != Availability.ONLINE:
        return False
    return profile.shift is None or arithmetic_for(profile.shift).is_open(now)


def effective_availability(profile: AgentProfile, now: datetime) -> str:
    """What routing sees: an online agent outside their shift is off shift."""
    if profile.availability == Availability.ONLINE and not is_available(profile, now):
        return Availability.OFFLINE
    return profile.availability


def availability_set(*, actor: User, agent: User, availability: str) -> AgentProfile:
    """Set an agent's availability; coming online hands them tickets waiting in their teams."""
    if availability not in Availability.values:
        raise Invalid(fields={"availability": _("Unknown availability.")})
    if not is_staff_agent(agent) or not can_set_availability(actor, agent):
        raise Forbidden()
    from .assignment import waiting_assign

    with transaction.atomic():
        profile = profile_for(agent)
        profile = AgentProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.availability != availability:
            profile.availability = availability
            profile.availability_changed_at = clock.now()
            profile.save(update_fields=["availability", "availability_changed_at"])
    if availability == Availability.ONLINE:
        waiting_assign(team_ids=list(agent.teams.values_list("id", flat=True)))
    return profile
