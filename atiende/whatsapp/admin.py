from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import graph, templating
from .models import PendingStatus, WebhookEvent, WhatsAppNumber, WhatsAppTemplate

SECRETS = ("verify_token", "app_secret", "access_token")


class NumberForm(forms.ModelForm):
    """Secrets are typed in and never shown again: an empty field keeps the stored value."""

    verify_token = forms.CharField(label=_("verify token"), required=False, widget=forms.PasswordInput)
    app_secret = forms.CharField(label=_("app secret"), required=False, widget=forms.PasswordInput)
    access_token = forms.CharField(label=_("access token"), required=False, widget=forms.PasswordInput)

    class Meta:
        model = WhatsAppNumber
        fields = ["name", "phone_number_id", "verify_token", "app_secret", "access_token", "api_base", "team", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            self.initial[name] = ""

    def clean_phone_number_id(self):
        value = self.cleaned_data["phone_number_id"].strip()
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(_("Meta's phone number id is made of digits."))
        return value

    def clean_api_base(self):
        value = self.cleaned_data["api_base"]
        problem = graph.api_base_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        for name in SECRETS:
            if not data.get(name):
                if self.instance.pk:
                    data[name] = getattr(WhatsAppNumber.objects.get(pk=self.instance.pk), name)
                else:
                    self.add_error(name, _("This field is required."))
        return data


@admin.register(WhatsAppNumber)
class WhatsAppNumberAdmin(admin.ModelAdmin):
    form = NumberForm
    list_display = ("name", "phone_number_id", "team", "active")
    list_filter = ("active",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("number", "state", "received_at", "processed_at")
    list_filter = ("state",)
    readonly_fields = ("number", "body", "body_sha256", "state", "error", "received_at", "processed_at")


@admin.register(PendingStatus)
class PendingStatusAdmin(admin.ModelAdmin):
    list_display = ("external_id", "status", "received_at", "applied_at")


class TemplateForm(forms.ModelForm):
    """The same rules as the API (`services._template_save`): Meta's name and language formats,
    variables {{1}}…{{n}} without gaps."""

    class Meta:
        model = WhatsAppTemplate
        fields = ["number", "name", "language", "body", "active", "for_notices"]

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not templating.NAME.match(value):
            raise ValidationError(_("Use the name approved by Meta: lowercase letters, digits and _."))
        return value

    def clean_language(self):
        value = self.cleaned_data["language"].strip()
        if not templating.LANGUAGE.match(value):
            raise ValidationError(_("Use Meta's language code, such as es_MX, en_US or es."))
        return value

    def clean_body(self):
        value = self.cleaned_data["body"]
        problem = templating.body_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        body = cleaned.get("body")
        if body and cleaned.get("for_notices") and (problem := templating.notice_problem(body)):
            self.add_error("for_notices", problem)
        return cleaned


@admin.register(WhatsAppTemplate)
class WhatsAppTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ("name", "language", "number", "active", "for_notices")
    list_filter = ("active", "for_notices", "number")
    search_fields = ("name",)
