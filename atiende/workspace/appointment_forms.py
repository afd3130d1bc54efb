"""Form of the appointment type page (the appointments services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team, User, UserKind
from atiende.appointments.models import AppointmentKind
from atiende.sla.models import Calendar

from .kb_forms import IdChoiceField, IdMultipleChoiceField


class AppointmentTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=AppointmentKind.choices)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=480, initial=60)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=200, initial=1,
                               help_text=_("Attendees per session; more than one only for training."))
    team = IdChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"))
    agents = IdMultipleChoiceField(label=_("Agents"), required=False,
                                   queryset=User.objects.filter(kind=UserKind.AGENT, is_active=True).order_by("name"),
                                   help_text=_("Empty: every member of the team."))
    calendar = IdChoiceField(label=_("Calendar"), required=False, queryset=Calendar.objects.order_by("name"),
                             help_text=_("Hours for agents with no shift of their own; empty: Monday to Friday 9:00–18:00."))
    buffer_before = forms.IntegerField(label=_("Buffer before (minutes)"), min_value=0, max_value=240, initial=0)
    buffer_after = forms.IntegerField(label=_("Buffer after (minutes)"), min_value=0, max_value=240, initial=0)
    min_notice_minutes = forms.IntegerField(label=_("Minimum notice (minutes)"), min_value=0, max_value=43200, initial=120)
    max_days_ahead = forms.IntegerField(label=_("Bookable up to (days ahead)"), min_value=1, max_value=365, initial=60)
    step_minutes = forms.IntegerField(label=_("Slots every (minutes)"), min_value=5, max_value=240, initial=30)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def values(self) -> dict:
        """As the services take them: ids for the team, agents and calendar."""
        data = dict(self.cleaned_data)
        data["team"] = data["team"].pk
        data["agents"] = [agent.pk for agent in data["agents"]]
        data["calendar"] = data["calendar"].pk if data["calendar"] else None
        return data


class AbsenceForm(forms.Form):
    """An agent's time away, in the viewer's time zone (the services check it again)."""

    agent = IdChoiceField(label=_("Agent"), queryset=User.objects.filter(kind=UserKind.AGENT, is_active=True).order_by("name"))
    start = forms.DateTimeField(label=_("From"), input_formats=["%Y-%m-%dT%H:%M"],
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    end = forms.DateTimeField(label=_("Until"), input_formats=["%Y-%m-%dT%H:%M"],
                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Seen by the team only: vacation, training, a doctor's visit."))

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
