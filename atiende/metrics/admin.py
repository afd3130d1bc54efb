from django.contrib import admin

from .models import OutcomeReason, OutcomeSettings


@admin.register(OutcomeReason)
class OutcomeReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(OutcomeSettings)
class OutcomeSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outcome_required"]

    def has_add_permission(self, request) -> bool:
        return not OutcomeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
