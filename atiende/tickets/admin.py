from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atiende.core.exceptions import DomainError

from .models import (
    ChannelReceipt,
    ChannelThread,
    CustomerMerge,
    CustomField,
    Delivery,
    DeliveryStatus,
    Tag,
)
from .services import tag_update
from .services.customer_merge import customer_merge_undo
from .services.deliveries import delivery_retry


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


@admin.register(CustomerMerge)
class CustomerMergeAdmin(admin.ModelAdmin):
    """Merges are made from the workspace or the API and undone here (or through the API): the
    record itself is never edited, so that an undo restores exactly what moved."""

    list_display = ["source", "target", "actor", "created_at", "undone_at", "undone_by"]
    list_select_related = ["source", "target", "actor", "undone_by"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["source__name", "target__name"]
    actions = ["undo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Undo the selected merges"))
    def undo(self, request, queryset):
        # Newest first, so that a chain (A into B, then B into C) unwinds from its end.
        for merge in queryset.order_by("-created_at", "-id"):
            try:
                customer_merge_undo(actor=request.user, merge=merge)
            except DomainError as exc:
                self.message_user(request, f"{merge}: {exc.message or exc.code}", level=messages.ERROR)
            else:
                self.message_user(request, _("Merge %(merge)s undone.") % {"merge": merge}, level=messages.SUCCESS)


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


@admin.register(Delivery)
class DeliveryAdmin(_WrittenByChannels):
    """Where an admin sees what failed to go out, on every channel, and tries it again (through
    the service an agent's retry uses, with its permission checks)."""

    list_display = ["created_at", "channel", "status", "message_ticket", "attempts", "failure_reason", "external_id"]
    list_filter = ["status", "channel"]
    list_select_related = ["message__ticket"]
    search_fields = ["external_id"]
    ordering = ["-created_at"]
    show_full_result_count = False
    actions = ["retry"]

    @admin.display(description=gettext_lazy("ticket"))
    def message_ticket(self, obj: Delivery) -> str:
        return str(obj.message.ticket)

    @admin.action(description=gettext_lazy("Retry the selected failed deliveries"))
    def retry(self, request, queryset):
        retried = 0
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            try:
                delivery_retry(actor=request.user, delivery_id=delivery.pk)
            except DomainError as exc:
                self.message_user(request, f"{delivery}: {exc.message or exc.code}", level=messages.ERROR)
            else:
                retried += 1
        self.message_user(request, _("Deliveries queued again: %(count)d.") % {"count": retried})
