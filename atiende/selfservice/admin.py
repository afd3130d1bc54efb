"""Administrators turn the first-responder bot on or off per channel (decision 0032), and can read
what it did on each conversation."""

from __future__ import annotations

from django.contrib import admin

from .models import BotChannel, BotConversation


@admin.register(BotChannel)
class BotChannelAdmin(admin.ModelAdmin):
    list_display = ["channel", "enabled"]
    list_editable = ["enabled"]


@admin.register(BotConversation)
class BotConversationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "state", "hand_off", "language", "created_at"]
    list_filter = ["state", "hand_off"]
    readonly_fields = ["ticket", "language", "question", "article_ids", "offer_message_id", "state", "hand_off",
                       "created_at", "ended_at"]

    def has_add_permission(self, request) -> bool:
        return False
