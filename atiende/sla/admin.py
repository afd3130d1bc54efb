from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.core.admin import ThroughServicesAdmin
from atiende.core.exceptions import Invalid
from atiende.core.formfields import JSON_FORMFIELD_OVERRIDES
from atiende.customers.models import Segment
from atiende.tickets.facts import fact_choices, fact_labels
from atiende.tickets.models import Channel, Priority, TicketType

from .models import Calendar, Metric, Policy, Target
from .selectors import arithmetic_for, policy_preview
from .services import calendar_create, calendar_fields_clean, calendar_update
from .services.policies import reevaluate_later


class CalendarForm(forms.ModelForm):
    """The same validation as the API: the admin cannot store a calendar that cannot work."""

    class Meta:
        model = Calendar
        fields = ["name", "time_zone", "hours", "holidays", "closures"]

    def clean(self):
        data = super().clean()
        try:
            data.update(calendar_fields_clean(time_zone=data.get("time_zone", ""), hours=data.get("hours"),
                                              holidays=data.get("holidays"), closures=data.get("closures") or []))
        except Invalid as exc:
            raise ValidationError({field: str(message) for field, message in exc.fields.items()}) from None
        return data


PREVIEW_MINUTES = (60, 8 * 60)


@admin.register(Calendar)
class CalendarAdmin(ThroughServicesAdmin):
    """Saved through the calendar services: running SLA clocks on an edited calendar get their
    deadlines computed again, as after an API edit."""

    formfield_overrides = JSON_FORMFIELD_OVERRIDES  # hours and closures: depth-limited JSON
    form = CalendarForm
    list_display = ["name", "time_zone", "holidays"]
    readonly_fields = ["preview"]

    def create(self, request, values):
        return calendar_create(actor=request.user, **values)

    def update(self, request, current, values):
        return calendar_update(actor=request.user, calendar=current, changes=values)

    def remove(self, request, current) -> None:
        current.delete()  # the database refuses while a policy target or clock uses it (PROTECT)

    @admin.display(description=_("Preview"))
    def preview(self, calendar: Calendar) -> str:
        if calendar.pk is None:
            return _("Save the calendar to see a preview.")
        arithmetic, zone = arithmetic_for(calendar), ZoneInfo(calendar.time_zone)
        now = clock.now()
        lines = [
            _("%(minutes)s business minutes from now (%(now)s) end at %(due)s.") % {
                "minutes": minutes, "now": date_format(now.astimezone(zone), "DATETIME_FORMAT"),
                "due": date_format(arithmetic.add(now, minutes).astimezone(zone), "DATETIME_FORMAT"),
            }
            for minutes in PREVIEW_MINUTES
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


class TargetInline(admin.TabularInline):
    model = Target
    extra = 1
    fields = ["metric", "minutes", "calendar"]


def _choices_field(choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=_("None checked: any.")
    )


class PolicyForm(forms.ModelForm):
    segments = _choices_field(Segment.choices)
    priorities = _choices_field(Priority.choices)
    types = _choices_field(TicketType.choices)
    channels = _choices_field(Channel.choices)

    class Meta:
        model = Policy
        fields = [
            "name", "position", "active", "support_plans", "segments", "priorities", "types", "channels", "organizations",
            "warn_at_percent", "notify_on_warning", "notify_on_breach", "escalate_on_breach", "raise_priority_on_breach",
        ]

    def __init__(self, *args, **kwargs) -> None:
        """One checkbox list per ticket fact the features offer (tickets/facts.py), e.g. warranty."""
        super().__init__(*args, **kwargs)
        for name, choices in fact_choices().items():
            self.fields[f"fact_{name}"] = _choices_field(choices)
            self.fields[f"fact_{name}"].label = fact_labels().get(name, name)
            self.fields[f"fact_{name}"].initial = self.instance.facts.get(name, [])

    def save(self, commit: bool = True) -> Policy:
        self.instance.facts = {name: self.cleaned_data[f"fact_{name}"] for name in fact_choices()
                               if self.cleaned_data.get(f"fact_{name}")}
        return super().save(commit)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """Targets inline; the preview says when a ticket arriving at a few telling moments would be due."""

    form = PolicyForm
    inlines = [TargetInline]
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    filter_horizontal = ["support_plans", "organizations"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Preview"))
    def preview(self, policy: Policy) -> str:
        if policy.pk is None or not policy.targets.exists():
            return _("Save the policy with its targets to see a preview.")
        zone = ZoneInfo(policy.targets.select_related("calendar").first().calendar.time_zone)
        now = clock.now()
        friday = (now.astimezone(zone) + timedelta(days=(4 - now.astimezone(zone).weekday()) % 7 or 7)).replace(
            hour=17, minute=55, second=0, microsecond=0
        )
        lines = []
        for arrival in (now, friday):
            due = policy_preview(policy, arrival)
            targets = "; ".join(
                f"{Metric(metric).label}: {date_format(when.astimezone(zone), 'DATETIME_FORMAT')}" for metric, when in due.items()
            )
            lines.append(_("A ticket arriving %(arrival)s would be due — %(targets)s") % {
                "arrival": date_format(arrival.astimezone(zone), "DATETIME_FORMAT"), "targets": targets,
            })
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.updated_at = clock.now()
        form.instance.save(update_fields=["updated_at"])
        reevaluate_later()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        reevaluate_later()
