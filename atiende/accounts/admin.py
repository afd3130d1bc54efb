from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from atiende.core.admin import ThroughServicesAdmin
from atiende.core.exceptions import Invalid

from .models import ApiToken, Team, User, UserKind
from .services import LoginThrottled, agent_create_by, agent_update, sign_in
from .steps import next_step
from .throttle import client_ip


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in goes through the same throttle as every other (accounts.services.sign_in)."""

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = sign_in(email=email, password=password, client_ip=client_ip(self.request))
            except LoginThrottled:
                raise ValidationError(_("Too many attempts. Try again in a few minutes."), code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            if next_step(self.user_cache) is not None:  # this form has no second step: the staff sign-in has
                raise ValidationError(_("Sign in on the main sign-in page to enter your verification code."),
                                      code="second_step")
        return self.cleaned_data


admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(ThroughServicesAdmin):
    """Agents through the agent services, as the API: the superuser flag follows the role (never
    edited by hand), and role and access changes reach the audit log with before and after.
    Customers' logins are managed from their customer record and system actors not at all:
    read-only here."""

    list_display = ["email", "name", "kind", "role", "is_active"]
    list_filter = ["kind", "role", "is_active"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "kind", "role", "language", "time_zone", "is_active", "is_superuser"]
    readonly_fields = ["is_superuser"]

    def get_readonly_fields(self, request, obj=None):
        return ["is_superuser", "email", "kind"] if obj is not None else ["is_superuser"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.kind == UserKind.AGENT)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: their tickets, messages and history keep their name

    def create(self, request, values):
        if values.get("kind") != UserKind.AGENT:
            raise Invalid(_("Only agents are created here; customers sign up in the portal or are added as customers."))
        return agent_create_by(actor=request.user, email=values["email"], name=values["name"], role=values["role"],
                               language=values.get("language", ""))

    def update(self, request, current, values):
        agent = agent_update(actor=request.user, agent=current, name=values.get("name"), role=values.get("role"),
                             is_active=values.get("is_active"))
        preferences = {name: values[name] for name in ("language", "time_zone") if name in values}
        if preferences:
            User.objects.filter(pk=agent.pk).update(**preferences)
        return agent


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "escalation_team"]
    filter_horizontal = ["members"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "digest", "password_stamp", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # tokens are issued through the API only
        return False
