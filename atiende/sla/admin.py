from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from atiende.core.exceptions import Invalid

from .models import Calendar
from .services import calendar_fields_clean


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


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ["name", "time_zone", "holidays"]
