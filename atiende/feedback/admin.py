from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from atiende.core.exceptions import Invalid

from . import services
from .models import NpsAudience, NpsSettings, NpsSurvey, Survey, SurveySettings


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enabled", "delay_minutes"]

    def has_add_permission(self, request) -> bool:
        return not SurveySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["ticket", "episode", "state", "rating", "agent", "team", "sent_at", "answered_at"]
    list_filter = ["state", "rating"]
    readonly_fields = [f.name for f in Survey._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NpsSettings)
class NpsSettingsAdmin(admin.ModelAdmin):
    """Who is asked the NPS question; saved through the service (its checks, one place)."""

    list_display = ["__str__", "enabled", "audience", "segment", "plan", "sample_percent"]
    fields = ["enabled", "audience", "segment", "plan", "sample_percent"]

    def has_add_permission(self, request) -> bool:
        return not NpsSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = services.nps_settings_update(
                actor=request.user, enabled=obj.enabled, audience=obj.audience, segment=obj.segment,
                plan=obj.plan, sample_percent=obj.sample_percent)
        except Invalid as exc:
            raise ValidationError(exc.fields) from None
        obj.pk = saved.pk

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class Checked(form):
            def clean(self):
                data = super().clean()
                if data.get("audience") == NpsAudience.SEGMENT and not data.get("segment"):
                    self.add_error("segment", _("Choose the segment to ask."))
                if data.get("audience") == NpsAudience.PLAN and not data.get("plan"):
                    self.add_error("plan", _("Choose the support plan to ask."))
                return data

        return Checked


@admin.register(NpsSurvey)
class NpsSurveyAdmin(admin.ModelAdmin):
    list_display = ["customer", "cycle", "state", "score", "sent_at", "answered_at"]
    list_filter = ["state", "score"]
    readonly_fields = [f.name for f in NpsSurvey._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
