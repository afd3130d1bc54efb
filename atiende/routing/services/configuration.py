"""Routing's configuration: rules and their order, skills and agents' levels, agents' capacity and
shift, each team's assignment mode, tier and next-tier team (supervisors and administrators:
permissions.can_manage_routing). Validated here once, for the workspace pages and any API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent, is_system
from atiende.core.audit import audit_record, state_of
from atiende.core.db import unique_or_conflict
from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.models import Sector, Segment, SupportPlan
from atiende.sla.models import Calendar
from atiende.tickets.facts import fact_choices
from atiende.tickets.models import Channel

from ..matching import base_language
from ..models import (
    MAX_LEVEL,
    AgentProfile,
    AgentSkill,
    AssignmentMode,
    RoutingRule,
    Skill,
    SkillKind,
    TeamRouting,
    Tier,
)
from ..permissions import can_manage_routing
from .assignment import waiting_assign
from .availability import profile_for

RULE_FIELDS = ("name", "active", "team", "languages", "segments", "channels", "keywords", "sectors", "plans",
               "field_key", "field_value", "skill", "min_level")
MAX_KEYWORDS = 50
MAX_KEYWORD = 80
POSITION_STEP = 10


def _check(actor: User) -> None:
    if not can_manage_routing(actor) or is_system(actor):
        raise Forbidden()


def rule_languages() -> list[str]:
    """The languages a rule may ask for: the base codes of the site's languages ("es", "en")."""
    return list(dict.fromkeys(base_language(code) for code, _name in settings.LANGUAGES))


def _codes(values: Any, allowed: Iterable[str], field: str) -> list[str]:
    allowed = list(allowed)
    if not isinstance(values, list | tuple) or any(v not in allowed for v in values):
        raise Invalid(fields={field: _("Use only: %(values)s.") % {"values": ", ".join(allowed)}})
    return [v for v in allowed if v in values]


def _keywords(values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise Invalid(fields={"keywords": _("Give a list of words.")})
    words = list(dict.fromkeys(" ".join(v.replace("\x00", "").split()) for v in values if v.strip()))
    if len(words) > MAX_KEYWORDS or any(len(w) > MAX_KEYWORD for w in words):
        raise Invalid(fields={"keywords": _("At most %(count)s words of %(max)s characters each.") % {
            "count": MAX_KEYWORDS, "max": MAX_KEYWORD}})
    return words


def _clean_rule(values: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's fields from `values` (all of RULE_FIELDS; objects for team, skill, sectors, plans)."""
    missing = sorted(set(RULE_FIELDS) - set(values))
    if missing:
        raise Invalid(fields={name: _("This field is required.") for name in missing})
    name = " ".join(str(values["name"] or "").replace("\x00", "").split())
    if not name or len(name) > 120:
        raise Invalid(fields={"name": _("Write a name of at most %(max)s characters.") % {"max": 120}})
    if not isinstance(values["team"], Team):
        raise Invalid(fields={"team": _("Choose a team.")})
    skill = values["skill"]
    if skill is not None and not isinstance(skill, Skill):
        raise Invalid(fields={"skill": _("Choose a skill.")})
    level = values["min_level"]
    if not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
        raise Invalid(fields={"min_level": _("Choose a level from 1 to %(max)s.") % {"max": MAX_LEVEL}})
    field_key = str(values["field_key"] or "").strip()
    field_value = str(values["field_value"] or "").strip()
    if len(field_key) > 50 or len(field_value) > 200:
        raise Invalid(fields={"field_key": _("The custom field's key or value is too long.")})
    if field_value and not field_key:
        raise Invalid(fields={"field_key": _("Name the custom field the value is for.")})
    sectors, plans = list(values["sectors"]), list(values["plans"])
    if not all(isinstance(s, Sector) for s in sectors) or not all(isinstance(p, SupportPlan) for p in plans):
        raise Invalid(fields={"sectors": _("Choose sectors and plans from the lists.")})
    return {
        "name": name, "active": bool(values["active"]), "team": values["team"], "skill": skill, "min_level": level,
        "languages": _codes(values["languages"], rule_languages(), "languages"),
        "segments": _codes(values["segments"], Segment.values, "segments"),
        "channels": _codes(values["channels"], Channel.values, "channels"),
        "keywords": _keywords(values["keywords"]), "field_key": field_key, "field_value": field_value,
        "sectors": sectors, "plans": plans, "facts": _facts(values.get("facts") or {}),
    }


def _facts(values: Any) -> dict[str, list[str]]:
    """{fact: [values]} for the ticket facts the features offer (tickets/facts.py); empty lists dropped."""
    offered = fact_choices()
    if not isinstance(values, Mapping) or set(values) - set(offered):
        raise Invalid(fields={"facts": _("Use only: %(values)s.") % {"values": ", ".join(offered)}})
    clean = {name: _codes(wanted, [value for value, _label in offered[name]], name) for name, wanted in values.items()}
    return {name: wanted for name, wanted in clean.items() if wanted}


def _save_rule(rule: RoutingRule, clean: dict[str, Any]) -> RoutingRule:
    sectors, plans = clean.pop("sectors"), clean.pop("plans")
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.save()
    rule.sectors.set(sectors)
    rule.plans.set(plans)
    return rule


def rule_create(*, actor: User, values: Mapping[str, Any]) -> RoutingRule:
    """A new rule, last in the order (rules are tried first to last; the first that matches wins)."""
    _check(actor)
    clean = _clean_rule(values)
    with transaction.atomic():
        # Locks every rule (PostgreSQL refuses FOR UPDATE with an aggregate): two rules created
        # at once get different positions.
        last = max(RoutingRule.objects.select_for_update().values_list("position", flat=True), default=0)
        rule = _save_rule(RoutingRule(position=last + POSITION_STEP), clean)
        audit_record("routing_rule.changed", actor=actor, target=rule, after=_audited(rule))
        return rule


def _audited(rule: RoutingRule) -> dict[str, Any]:
    """The rule as the audit log keeps it."""
    kept = [name for name in RULE_FIELDS if name not in ("sectors", "plans")]
    return {**state_of(rule, (*kept, "facts")), "sectors": sorted(rule.sectors.values_list("pk", flat=True)),
            "plans": sorted(rule.plans.values_list("pk", flat=True))}


def rule_update(*, actor: User, rule: RoutingRule, values: Mapping[str, Any]) -> RoutingRule:
    _check(actor)
    clean = _clean_rule(values)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        before = _audited(rule)
        rule = _save_rule(rule, clean)
        audit_record("routing_rule.changed", actor=actor, target=rule, before=before, after=_audited(rule))
        return rule


def rule_delete(*, actor: User, rule: RoutingRule) -> None:
    """Tickets routed by it keep their team; their record of the rule is cleared (SET_NULL)."""
    _check(actor)
    with transaction.atomic():
        audit_record("routing_rule.changed", actor=actor, target=rule, before=_audited(rule))
        RoutingRule.objects.filter(pk=rule.pk).delete()


def rule_move(*, actor: User, rule: RoutingRule, offset: int) -> list[int]:
    """Move a rule one place earlier (-1) or later (+1); positions are renumbered 10, 20, … so
    equal positions left by older data get a definite order. Returns the ids in their new order."""
    _check(actor)
    if offset not in (-1, 1):
        raise Invalid(fields={"direction": _("Move up or down.")})
    with transaction.atomic():
        ids = list(RoutingRule.objects.select_for_update().order_by("position", "id").values_list("id", flat=True))
        if rule.pk in ids:
            here = ids.index(rule.pk)
            there = here + offset
            if 0 <= there < len(ids):
                ids[here], ids[there] = ids[there], ids[here]
        for index, pk in enumerate(ids, start=1):
            RoutingRule.objects.filter(pk=pk).update(position=index * POSITION_STEP)
    return ids


# --- skills ----------------------------------------------------------------------------------------

def _clean_skill(kind: Any, name: Any) -> tuple[str, str]:
    if kind not in SkillKind.values:
        raise Invalid(fields={"kind": _("Choose a kind of skill.")})
    name = " ".join(str(name or "").replace("\x00", "").split())
    if not name or len(name) > 80:
        raise Invalid(fields={"name": _("Write a name of at most %(max)s characters.") % {"max": 80}})
    return kind, name


def skill_create(*, actor: User, kind: Any, name: Any) -> Skill:
    _check(actor)
    kind, name = _clean_skill(kind, name)
    with unique_or_conflict(_("There is already a skill of this kind with this name.")):
        return Skill.objects.create(kind=kind, name=name)


def skill_update(*, actor: User, skill: Skill, kind: Any, name: Any) -> Skill:
    _check(actor)
    skill.kind, skill.name = _clean_skill(kind, name)
    with unique_or_conflict(_("There is already a skill of this kind with this name.")):
        skill.save()
    return skill


def skill_delete(*, actor: User, skill: Skill) -> None:
    """Agents lose the skill; rules that required it stop requiring one (SET_NULL)."""
    _check(actor)
    Skill.objects.filter(pk=skill.pk).delete()


# --- agents ----------------------------------------------------------------------------------------

def agent_routing_update(*, actor: User, agent: User, capacity: Any, shift: Calendar | None,
                         levels: Mapping[int, int]) -> AgentProfile:
    """An agent's capacity, shift and skill levels ({skill id: level}; 0 takes the skill away).
    More room can hand them tickets waiting in their teams."""
    _check(actor)
    if not is_staff_agent(agent) or is_system(agent):
        raise Invalid(fields={"agent": _("Only agents who work tickets are routed.")})
    if not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        raise Invalid(fields={"capacity": _("Choose a capacity from 1 to 1000 open tickets.")})
    if shift is not None and not isinstance(shift, Calendar):
        raise Invalid(fields={"shift": _("Choose a calendar.")})
    known = set(Skill.objects.filter(pk__in=list(levels)).values_list("pk", flat=True))
    for skill_id, level in levels.items():
        if skill_id not in known:
            raise Invalid(fields={"levels": _("There is no skill with this id.")})
        if not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
            raise Invalid(fields={f"level_{skill_id}": _("Choose a level from 1 to %(max)s, or none.") % {
                "max": MAX_LEVEL}})
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(pk=profile_for(agent).pk)
        more_room = capacity > profile.capacity
        profile.capacity, profile.shift = capacity, shift
        profile.save(update_fields=["capacity", "shift"])
        for skill_id, level in levels.items():
            if level == 0:
                AgentSkill.objects.filter(agent=agent, skill_id=skill_id).delete()
            else:
                AgentSkill.objects.update_or_create(agent=agent, skill_id=skill_id, defaults={"level": level})
    if more_room:
        waiting_assign(team_ids=list(agent.teams.values_list("id", flat=True)))
    return profile


# --- teams -----------------------------------------------------------------------------------------

def _leads_back(team: Team, target: Team) -> bool:
    """Whether the chain of next tiers from `target` comes back to `team`."""
    seen: set[int] = set()
    current: Team | None = target
    while current is not None and current.pk not in seen:
        if current.pk == team.pk:
            return True
        seen.add(current.pk)
        current = Team.objects.filter(pk=current.escalation_team_id).first() if current.escalation_team_id else None
    return False


def team_routing_update(*, actor: User, team: Team, mode: Any, tier: Any, escalation_team: Team | None,
                        calendar: Calendar | None) -> TeamRouting:
    """A team's assignment mode, tier, next-tier team and business calendar. Turning automatic
    assignment on hands out the tickets waiting in the team."""
    _check(actor)
    if mode not in AssignmentMode.values:
        raise Invalid(fields={"mode": _("Choose how tickets are assigned.")})
    if tier not in Tier.values:
        raise Invalid(fields={"tier": _("Choose a tier.")})
    if escalation_team is not None and _leads_back(team, escalation_team):
        raise Invalid(fields={"escalation_team": _("The next tier cannot lead back to this team.")})
    with transaction.atomic():
        config, _created = TeamRouting.objects.select_for_update().get_or_create(team=team)
        was_manual = config.mode == AssignmentMode.MANUAL
        config.mode, config.tier, config.calendar = mode, tier, calendar
        config.save(update_fields=["mode", "tier", "calendar"])
        Team.objects.filter(pk=team.pk).update(escalation_team=escalation_team)
        team.escalation_team = escalation_team
    if was_manual and mode != AssignmentMode.MANUAL:
        waiting_assign(team_ids=[team.pk])
    return config
