from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "to"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    search_fields = ["subject"]

    def has_add_permission(self, request):  # the outbox is written by the mail backend only
        return False
