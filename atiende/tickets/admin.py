from django.contrib import admin

from .models import CustomField, Tag
from .services import tag_update


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "kind", "required", "agent_only", "active"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "is_public"]
    list_editable = ["is_public"]
    list_filter = ["is_public"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if change and form.changed_data == ["is_public"]:  # through the service: its permission applies
            tag_update(actor=request.user, tag=obj, is_public=obj.is_public)
        else:
            super().save_model(request, obj, form, change)
