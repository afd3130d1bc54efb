"""The routing configuration forms (routing's services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team
from atiende.customers.models import Sector, Segment, SupportPlan
from atiende.routing.matching import base_language
from atiende.routing.models import MAX_LEVEL, AssignmentMode, RoutingRule, Skill, SkillKind, Tier
from atiende.routing.services.configuration import rule_languages
from atiende.sla.models import Calendar
from atiende.tickets.facts import fact_choices, fact_labels
from atiende.tickets.models import Channel

from .kb_forms import IdChoiceField, IdMultipleChoiceField

LEVELS = [(n, str(n)) for n in range(1, MAX_LEVEL + 1)]


def _language_choices() -> list[tuple[str, Any]]:
    names = {base_language(code): name for code, name in reversed(settings.LANGUAGES)}
    return [(code, names[code]) for code in rule_languages()]


def words(text: str) -> list[str]:
    """"factura, cobro" → ["factura", "cobro"]."""
    return [word.strip() for word in text.split(",") if word.strip()]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    active = forms.BooleanField(label=_("Rule is active"), required=False, initial=True)
    team = IdChoiceField(label=_("Send to team"), queryset=Team.objects.order_by("name"))
    languages = forms.MultipleChoiceField(label=_("Customer's language"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    segments = forms.MultipleChoiceField(label=_("Segment"), choices=Segment.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    sectors = IdMultipleChoiceField(label=_("Sector"), queryset=Sector.objects.all(), required=False)
    plans = IdMultipleChoiceField(label=_("Support plan"), queryset=SupportPlan.objects.all(), required=False)
    channels = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(label=_("Keywords in the subject or first message"), required=False, max_length=4000,
                               help_text=_("Separated by commas; any one matches (case and accents ignored)."))
    field_key = forms.CharField(label=_("Custom field"), required=False, max_length=50)
    field_value = forms.CharField(label=_("Custom field value"), required=False, max_length=200)
    skill = IdChoiceField(label=_("Required skill"), queryset=Skill.objects.all(), required=False)
    min_level = forms.TypedChoiceField(label=_("Minimum level"), choices=LEVELS, coerce=int, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices()
        labels = fact_labels()
        for name, choices in fact_choices().items():  # e.g. the warranty of the product it is about
            self.fields[f"fact_{name}"] = forms.MultipleChoiceField(
                label=labels.get(name, name), choices=choices, required=False, widget=forms.CheckboxSelectMultiple)

    @staticmethod
    def initial_for(rule: RoutingRule) -> dict[str, Any]:
        return {"name": rule.name, "active": rule.active, "team": rule.team_id, "languages": rule.languages,
                "segments": rule.segments, "channels": rule.channels, "keywords": ", ".join(rule.keywords),
                "sectors": list(rule.sectors.all()), "plans": list(rule.plans.all()), "field_key": rule.field_key,
                "field_value": rule.field_value, "skill": rule.skill_id, "min_level": rule.min_level,
                **{f"fact_{name}": wanted for name, wanted in rule.facts.items()}}

    def values(self) -> dict[str, Any]:
        """What rule_create and rule_update take."""
        data = {name: value for name, value in self.cleaned_data.items() if not name.startswith("fact_")}
        facts = {name[len("fact_"):]: value for name, value in self.cleaned_data.items() if name.startswith("fact_")}
        return {**data, "keywords": words(self.cleaned_data["keywords"]), "facts": facts}


class SkillForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SkillKind.choices)
    name = forms.CharField(label=_("Name"), max_length=80)


class TeamRoutingForm(forms.Form):
    mode = forms.ChoiceField(label=_("Assignment"), choices=AssignmentMode.choices)
    tier = forms.TypedChoiceField(label=_("Tier"), choices=Tier.choices, coerce=int)
    escalation_team = IdChoiceField(label=_("Next-tier team"), queryset=Team.objects.order_by("name"), required=False,
                                    help_text=_("Where an escalation hands the team's tickets."))
    calendar = IdChoiceField(label=_("Business calendar"), queryset=Calendar.objects.order_by("name"), required=False,
                             help_text=_("Consultations asked of this team are due in its business hours."))

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalation_team"].queryset = Team.objects.exclude(pk=team.pk).order_by("name")


class AgentRoutingForm(forms.Form):
    """Capacity and shift, and one level field per skill ("level_<skill id>", blank: none)."""

    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000,
                                  help_text=_("Open tickets the agent may hold before routing passes them by."))
    shift = IdChoiceField(label=_("Shift"), queryset=Calendar.objects.order_by("name"), required=False,
                          help_text=_("Outside these hours the agent is off shift and gets no tickets."))

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = skills
        for skill in skills:
            self.fields[f"level_{skill.pk}"] = forms.TypedChoiceField(
                label=str(skill), choices=[("", _("None")), *LEVELS], coerce=int, empty_value=0, required=False)

    def levels(self) -> dict[int, int]:
        return {skill.pk: self.cleaned_data[f"level_{skill.pk}"] for skill in self.skills}
