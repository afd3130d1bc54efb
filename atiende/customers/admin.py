from django.contrib import admin

from .models import Customer, Identity, Organization, Sector, SupportPlan


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
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "segment", "sector", "support_plan", "account_manager"]
    list_filter = ["segment", "sector", "support_plan"]
    search_fields = ["name"]


admin.site.register(Sector)
admin.site.register(SupportPlan)
