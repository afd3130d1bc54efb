"""Input a channel's configuration endpoints share: the team its new tickets go to, by id."""

from __future__ import annotations

from django.utils.translation import gettext as _

from atiende.accounts.models import Team
from atiende.core.exceptions import Invalid


def with_team(data: dict) -> dict:
    """The validated input with `team` (an id, or None) made a Team; 400 for an unknown id."""
    values = dict(data)
    if values.get("team") is not None:
        team = Team.objects.filter(pk=values["team"]).first()
        if team is None:
            raise Invalid(fields={"team": _("Unknown team.")})
        values["team"] = team
    return values
