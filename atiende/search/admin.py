from django.contrib import admin

from .models import MissedQuery, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["phrase", "meanings", "language"]
    search_fields = ["phrase", "meanings"]


@admin.register(MissedQuery)
class MissedQueryAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "times", "last_at"]
    list_filter = ["kind"]
    readonly_fields = ["text", "kind", "times", "last_at"]
