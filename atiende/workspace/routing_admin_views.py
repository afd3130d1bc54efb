"""Routing's configuration pages: rules (and their order), teams' assignment and tiers, agents'
capacity, shift and skill levels, and the skills (supervisors and administrators). Writes go
through routing's services, which validate again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.core.exceptions import DomainError
from atiende.routing import selectors, services
from atiende.routing.permissions import can_manage_routing

from .admin_pages import allowed_for, posted, show_error, submit
from .routing_admin_forms import AgentRoutingForm, RuleForm, SkillForm, TeamRoutingForm

managers_only = allowed_for(can_manage_routing)


@managers_only
@require_GET
def rules_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/routing_rules.html", {"rules": selectors.rule_list(user=request.user)})


def _rule_page(request: HttpRequest, form: RuleForm, rule=None, status: int = 200) -> HttpResponse:
    return render(request, "workspace/routing_rule_edit.html", {"form": form, "rule": rule}, status=status)


@managers_only
@require_http_methods(["GET", "POST"])
def rule_new_view(request: HttpRequest) -> HttpResponse:
    form = RuleForm(posted(request))
    if request.method == "GET" or not form.is_valid():
        return _rule_page(request, form, status=200 if request.method == "GET" else 400)
    try:
        services.rule_create(actor=request.user, values=form.values())
    except DomainError as exc:
        show_error(form, exc)
        return _rule_page(request, form, status=exc.status)
    messages.success(request, _("Rule saved."))
    return redirect("workspace:routing-rules")


@managers_only
@require_http_methods(["GET", "POST"])
def rule_edit_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get(user=request.user, rule_id=rule_id)
    if request.method == "GET":
        return _rule_page(request, RuleForm(initial=RuleForm.initial_for(rule)), rule)
    form = RuleForm(request.POST)
    if not form.is_valid():
        return _rule_page(request, form, rule, status=400)
    try:
        services.rule_update(actor=request.user, rule=rule, values=form.values())
    except DomainError as exc:
        show_error(form, exc)
        return _rule_page(request, form, rule, status=exc.status)
    messages.success(request, _("Rule saved."))
    return redirect("workspace:routing-rules")


@managers_only
@require_POST
def rule_delete_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    services.rule_delete(actor=request.user, rule=selectors.rule_get(user=request.user, rule_id=rule_id))
    messages.success(request, _("Rule deleted."))
    return redirect("workspace:routing-rules")


@managers_only
@require_POST
def rule_move_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get(user=request.user, rule_id=rule_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, _("Move up or down."))
        return redirect("workspace:routing-rules")
    services.rule_move(actor=request.user, rule=rule, offset=offset)
    return redirect("workspace:routing-rules")


# --- teams -----------------------------------------------------------------------------------------

@managers_only
@require_GET
def teams_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/routing_teams.html", {"rows": selectors.team_routing_rows(user=request.user)})


@managers_only
@require_http_methods(["GET", "POST"])
def team_edit_view(request: HttpRequest, team_id: int) -> HttpResponse:
    team, config = selectors.routed_team_get(user=request.user, team_id=team_id)
    initial = {"mode": config.mode if config else "manual", "tier": config.tier if config else 1,
               "calendar": config.calendar_id if config else None, "escalation_team": team.escalation_team_id}
    form = TeamRoutingForm(posted(request), initial=initial, team=team)
    status = submit(request, form, lambda data: services.team_routing_update(actor=request.user, team=team, **data),
                    done=_("Team %(name)s saved.") % {"name": team.name}, to="workspace:routing-teams")
    if not isinstance(status, int):
        return status
    return render(request, "workspace/routing_team_edit.html", {"form": form, "team": team}, status=status)


# --- agents ----------------------------------------------------------------------------------------

@managers_only
@require_GET
def agents_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/routing_agents.html", {"rows": selectors.agent_routing_rows(user=request.user)})


@managers_only
@require_http_methods(["GET", "POST"])
def agent_edit_view(request: HttpRequest, agent_id: int) -> HttpResponse:
    agent, profile, levels = selectors.routed_agent_get(user=request.user, agent_id=agent_id)
    skills = list(selectors.skill_list(user=request.user))
    initial = {"capacity": profile.capacity if profile else 10, "shift": profile.shift_id if profile else None,
               **{f"level_{pk}": level for pk, level in levels.items()}}
    form = AgentRoutingForm(posted(request), initial=initial, skills=skills)
    status = submit(request, form, lambda data: services.agent_routing_update(
                        actor=request.user, agent=agent, capacity=data["capacity"], shift=data["shift"],
                        levels=form.levels()),
                    done=_("%(name)s's routing saved.") % {"name": agent.name}, to="workspace:routing-agents")
    if not isinstance(status, int):
        return status
    return render(request, "workspace/routing_agent_edit.html", {"form": form, "agent": agent}, status=status)


# --- skills ----------------------------------------------------------------------------------------

@managers_only
@require_http_methods(["GET", "POST"])
def skills_view(request: HttpRequest) -> HttpResponse:
    """The skills, and the form that adds one."""
    form = SkillForm(posted(request))
    status = submit(request, form, lambda data: services.skill_create(actor=request.user, **data),
                    done=_("Skill added."), to="workspace:routing-skills")
    if not isinstance(status, int):
        return status
    return render(request, "workspace/routing_skills.html",
                  {"form": form, "skills": selectors.skill_list(user=request.user)}, status=status)


@managers_only
@require_http_methods(["GET", "POST"])
def skill_edit_view(request: HttpRequest, skill_id: int) -> HttpResponse:
    skill = selectors.skill_get(user=request.user, skill_id=skill_id)
    form = SkillForm(posted(request), initial={"kind": skill.kind, "name": skill.name})
    status = submit(request, form, lambda data: services.skill_update(actor=request.user, skill=skill, **data),
                    done=_("Skill saved."), to="workspace:routing-skills")
    if not isinstance(status, int):
        return status
    return render(request, "workspace/routing_skill_edit.html", {"form": form, "skill": skill}, status=status)


@managers_only
@require_POST
def skill_delete_view(request: HttpRequest, skill_id: int) -> HttpResponse:
    services.skill_delete(actor=request.user, skill=selectors.skill_get(user=request.user, skill_id=skill_id))
    messages.success(request, _("Skill deleted."))
    return redirect("workspace:routing-skills")
