from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import InboundMessage, Mailbox, QuarantinedMessage
from .parsing import REASONS
from .polling import mailbox_poll
from .services import Outcome, quarantine_retry

RAW_PREVIEW_CHARS = 5000


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "host", "active", "last_polled_at", "last_error"]
    list_filter = ["active"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["poll_now"]

    @admin.action(description=gettext_lazy("Read the selected mailboxes now"), permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            report = mailbox_poll(mailbox=mailbox)
            if report.error:
                self.message_user(request, f"{mailbox.name}: {report.error}", messages.ERROR)
            else:
                self.message_user(request, ngettext(
                    "%(name)s: %(count)s message taken in.", "%(name)s: %(count)s messages taken in.",
                    report.outcomes.total(),
                ) % {"name": mailbox.name, "count": report.outcomes.total()}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by ingestion only; admins look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "source", "sender", "sender_verdict", "subject", "ticket_id"]
    list_filter = ["kind", "source", "sender_verdict"]
    search_fields = ["sender", "subject", "key"]
    ordering = ["-received_at"]
    date_hierarchy = "received_at"
    show_full_result_count = False  # counting every message ever received is slow on big tables

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # its key is what keeps a re-delivered message from being taken in twice


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "code", "reason_shown", "size", "source", "released"]
    list_filter = ["released", "code", "source"]
    fields = ["code", "reason_shown", "detail", "source", "mailbox", "size", "created_at", "retried_at",
              "released", "raw_preview"]
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=gettext_lazy("reason"))
    def reason_shown(self, item: QuarantinedMessage) -> str:
        """In the reader's language when the code says it all; else as stored when it happened."""
        known = REASONS.get(item.code)
        return str(known) if known is not None else item.reason

    @admin.display(description=gettext_lazy("Message (beginning)"))
    def raw_preview(self, item: QuarantinedMessage) -> str:
        try:
            with item.raw.open("rb") as handle:
                head = handle.read(RAW_PREVIEW_CHARS * 4)  # up to 4 bytes a character
        except (OSError, ValueError):
            return _("The stored message could not be read.")
        # Returned as plain text: the admin escapes it, so nothing in the message is rendered.
        return head.decode("utf-8", errors="replace")[:RAW_PREVIEW_CHARS]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mail.change_quarantinedmessage")

    @admin.action(description=gettext_lazy("Retry the selected messages"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[QuarantinedMessage]) -> None:
        taken, kept, unreadable = 0, 0, 0
        for item in queryset.filter(released=False):
            try:
                result = quarantine_retry(item)
            except OSError:
                unreadable += 1
                continue
            if result.outcome == Outcome.QUARANTINED:
                kept += 1
            else:
                taken += 1
        if taken:
            self.message_user(request, ngettext(
                "%(count)s message was taken in.", "%(count)s messages were taken in.", taken,
            ) % {"count": taken}, messages.SUCCESS)
        if kept:
            self.message_user(request, ngettext(
                "%(count)s message is still in quarantine; its reason shows in the list.",
                "%(count)s messages are still in quarantine; their reasons show in the list.", kept,
            ) % {"count": kept}, messages.WARNING)
        if unreadable:
            self.message_user(request, ngettext(
                "%(count)s stored message could not be read.", "%(count)s stored messages could not be read.",
                unreadable,
            ) % {"count": unreadable}, messages.ERROR)
        if not (taken or kept or unreadable):
            self.message_user(request, _("The selected messages were already taken in."), messages.INFO)
