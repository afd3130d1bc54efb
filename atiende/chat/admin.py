"""Administrators connect a site in the Django admin: its origins, team, cap and identity secret
(a password field, never shown again; left empty, the stored secret is kept)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .identity import normalize_origin
from .models import ChatSession, ChatSite


class ChatSiteForm(forms.ModelForm):
    identity_secret = forms.CharField(label=_("identity secret"), required=False, widget=forms.PasswordInput,
                                      help_text=_("Leave empty to keep the stored secret."))

    class Meta:
        model = ChatSite
        fields = ["name", "key", "allowed_origins", "identity_secret", "team", "calendar", "max_chats_per_agent", "active"]

    def clean_allowed_origins(self) -> list[str]:
        values = self.cleaned_data.get("allowed_origins") or []
        if not isinstance(values, list):
            raise forms.ValidationError(_("Give a list of origins such as [\"https://www.example.com\"]."))
        origins = [normalize_origin(str(value)) for value in values]
        if None in origins:
            raise forms.ValidationError(_("Give a list of origins such as [\"https://www.example.com\"]."))
        return [origin for origin in origins if origin]

    def clean_identity_secret(self) -> str:
        return self.cleaned_data.get("identity_secret") or (self.instance.identity_secret if self.instance.pk else "")


@admin.register(ChatSite)
class ChatSiteAdmin(admin.ModelAdmin):
    form = ChatSiteForm
    list_display = ["name", "key", "team", "max_chats_per_agent", "active"]


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ["public_id", "site", "name", "state", "agent", "created_at"]
    list_filter = ["state", "site"]
    readonly_fields = ["public_id", "token_sha256", "visitor_id", "ticket", "agent", "site"]
    exclude: list[str] = []

    def has_add_permission(self, request) -> bool:
        return False
