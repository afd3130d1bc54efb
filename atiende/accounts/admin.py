from django.contrib import admin

from .models import ApiToken, Team, User


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
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # tokens are issued through the API only
        return False
