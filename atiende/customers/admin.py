from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from atiende.accounts.models import User, UserKind
from atiende.core.admin import ThroughServicesAdmin

from .models import Customer, Identity, Organization, Sector, SupportPlan
from .services import organization_create, organization_delete, organization_update


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "is_organization_admin", "merged_into"]
    search_fields = ["name", "identities__value"]
    list_select_related = ["organization"]
    raw_id_fields = ["user"]
    readonly_fields = ["merged_into"]  # set and cleared by a merge and its undo only
    inlines = [IdentityInline]


@admin.register(Organization)
class OrganizationAdmin(ThroughServicesAdmin):
    """Saved through the organization services, as the API does: a plan change re-checks the
    SLA of the organization's open tickets (customers' hooks), and the account manager must be
    an agent."""

    list_display = ["name", "segment", "sector", "support_plan", "account_manager"]
    list_filter = ["segment", "sector", "support_plan"]
    search_fields = ["name"]
    fields = ["name", "segment", "sector", "support_plan", "account_manager", "notes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account_manager":
            kwargs["queryset"] = User.objects.filter(kind=UserKind.AGENT).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create(self, request: HttpRequest, values: dict[str, Any]) -> Organization:
        return organization_create(actor=request.user, **values)

    def update(self, request: HttpRequest, current: Organization, values: dict[str, Any]) -> Organization:
        return organization_update(actor=request.user, organization=current, changes=values)

    def remove(self, request: HttpRequest, current: Organization) -> None:
        organization_delete(actor=request.user, organization=current)


admin.site.register(Sector)
admin.site.register(SupportPlan)
