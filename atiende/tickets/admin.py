from django.contrib import admin
from django.http import HttpRequest

from .models import ChannelReceipt, ChannelThread, CustomField, Tag
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


class _WrittenByChannels(admin.ModelAdmin):
    """Written by the channel port only (`tickets.services.inbound`): admins look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a receipt keeps a re-delivered message from being taken in twice


@admin.register(ChannelReceipt)
class ChannelReceiptAdmin(_WrittenByChannels):
    list_display = ["created_at", "channel", "external_id", "outcome", "ticket_id", "received_at"]
    list_filter = ["channel", "outcome"]
    search_fields = ["external_id"]
    ordering = ["-created_at"]
    show_full_result_count = False  # counting every message ever received is slow on big tables


@admin.register(ChannelThread)
class ChannelThreadAdmin(_WrittenByChannels):
    list_display = ["updated_at", "channel", "thread_key", "ticket_id"]
    list_filter = ["channel"]
    search_fields = ["thread_key"]
    ordering = ["-updated_at"]
