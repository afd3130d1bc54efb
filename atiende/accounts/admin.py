from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ApiToken, Team, User
from .services import LoginThrottled, sign_in
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
        return self.cleaned_data


admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "kind", "role", "is_active"]
    list_filter = ["kind", "role", "is_active"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups", "last_login"]


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
