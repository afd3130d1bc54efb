"""The maintenance plan form (the maintenance services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team
from atiende.customers.models import Organization
from atiende.maintenance.models import RecurrenceUnit

from .kb_forms import IdChoiceField


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    asset = forms.IntegerField(label=_("Asset (number)"), required=False, min_value=1, max_value=2**62,
                               help_text=_("The asset visited, or leave it empty and choose an organization."))
    organization = IdChoiceField(label=_("Organization"), required=False, queryset=Organization.objects.order_by("name"))
    contact = forms.IntegerField(label=_("Contact (customer number)"), required=False, min_value=1, max_value=2**62,
                                 help_text=_("Who is told; by default the asset's owner or the organization's admin."))
    team = IdChoiceField(label=_("Team that does it"), queryset=Team.objects.order_by("name"))
    unit = forms.ChoiceField(label=_("Repeats every"), choices=RecurrenceUnit.choices, initial=RecurrenceUnit.MONTH)
    interval = forms.IntegerField(label=_("Interval"), min_value=1, max_value=1000, initial=1,
                                  help_text=_("Every how many days, weeks or months."))
    rule = forms.CharField(label=_("RRULE"), required=False, max_length=500,
                           help_text=_("Only for a calendar rule, e.g. FREQ=MONTHLY;BYMONTHDAY=-1 (the month's last day)."))
    starts_on = forms.DateField(label=_("First visit"), widget=forms.DateInput(attrs={"type": "date"}))
    lead_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365, initial=7,
                                   help_text=_("How many days before each visit the work opens and the customer is told."))
    checklist = forms.CharField(label=_("Checklist"), required=False, max_length=20_000,
                                widget=forms.Textarea(attrs={"rows": 6}), help_text=_("One item per line, in order."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True,
                                help_text=_("Untick to pause the plan: nothing opens until it is active again."))

    def clean_checklist(self) -> list[str]:
        return self.cleaned_data["checklist"].splitlines()
