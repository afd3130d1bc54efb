from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from atiende.core.apibase import api_base_problem

from . import botapi, services
from .models import TelegramBot, TelegramUpdate

SECRETS = ("bot_token", "secret_token")


class BotForm(forms.ModelForm):
    """Secrets are typed in and never shown again: an empty field keeps the stored value."""

    bot_token = forms.CharField(label=_("bot token"), required=False, widget=forms.PasswordInput)
    secret_token = forms.CharField(label=_("secret token"), required=False, widget=forms.PasswordInput)

    class Meta:
        model = TelegramBot
        fields = ["name", "bot_token", "secret_token", "api_base", "team", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            self.initial[name] = ""

    def clean_api_base(self):
        value = self.cleaned_data["api_base"]
        problem = api_base_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        for name, check in (("bot_token", botapi.token_problem), ("secret_token", botapi.secret_problem)):
            if not data.get(name):
                if self.instance.pk:
                    data[name] = getattr(TelegramBot.objects.get(pk=self.instance.pk), name)
                else:
                    self.add_error(name, _("This field is required."))
            elif problem := check(data[name]):
                self.add_error(name, problem)
        token = data.get("bot_token") or ""
        if token and TelegramBot.objects.filter(telegram_id=token.split(":", 1)[0]).exclude(pk=self.instance.pk).exists():
            self.add_error("bot_token", _("This bot is connected already."))
        return data


@admin.register(TelegramBot)
class TelegramBotAdmin(admin.ModelAdmin):
    form = BotForm
    list_display = ("name", "telegram_id", "team", "active", "webhook_state")
    list_filter = ("active", "webhook_state")
    readonly_fields = ("telegram_id", "webhook_state", "webhook_detail", "webhook_checked_at")

    def save_model(self, request, obj, form, change):
        # Through the service, as the API: the bot id from the token, setWebhook after commit.
        values = {name: form.cleaned_data.get(name) for name in services.FIELDS}
        site = request.build_absolute_uri("/")
        if change:
            services.bot_update(actor=request.user, bot=obj, site=site, **values)
        else:
            obj.pk = services.bot_create(actor=request.user, site=site, **values).pk

    def delete_model(self, request, obj):
        services.bot_delete(actor=request.user, bot=obj)


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(admin.ModelAdmin):
    list_display = ("bot", "update_id", "kind", "state", "received_at", "processed_at")
    list_filter = ("state", "kind")
    readonly_fields = ("bot", "update_id", "kind", "body", "state", "error", "received_at", "processed_at")
