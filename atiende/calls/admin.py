"""Telephony systems in the admin: adding one shows its token once; calls are read-only records."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import Call, TelephonySystem
from .services import telephony_system_create


@admin.register(TelephonySystem)
class TelephonySystemAdmin(admin.ModelAdmin):
    list_display = ["name", "token_hint", "active", "created_at"]
    fields = ["name", "active"]

    def save_model(self, request, obj: TelephonySystem, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        system, token = telephony_system_create(actor=None, name=obj.name)
        obj.pk, obj.token_hash, obj.token_hint, obj.created_at = system.pk, system.token_hash, system.token_hint, system.created_at
        if not obj.active:
            TelephonySystem.objects.filter(pk=system.pk).update(active=False)
        messages.warning(request, _("Copy this token now; it will not be shown again: %(token)s") % {"token": token})


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "phone", "state", "outcome", "agent", "ticket"]
    list_filter = ["direction", "state", "outcome"]
    search_fields = ["phone", "external_id"]
    readonly_fields = [field.name for field in Call._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
