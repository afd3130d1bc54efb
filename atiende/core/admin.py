from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from .exceptions import DomainError
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "to"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    search_fields = ["subject"]

    def has_add_permission(self, request):  # the outbox is written by the mail backend only
        return False


class ThroughServicesAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletes run the same services as the API (STYLE.md: every
    write through the services), so history, hooks, re-checks and the audit log see them.

    Subclasses implement `create`, `update` (given the row as stored, not the form's edited copy,
    so the service sees what changed) and `remove`. The form validates first; a refusal the
    service still raises (a race, a rule the form cannot see) is shown as an error message and
    nothing is saved."""

    def create(self, request: HttpRequest, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(self, request: HttpRequest, current: models.Model, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def remove(self, request: HttpRequest, current: models.Model) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        values = {name: form.cleaned_data[name] for name in form.cleaned_data if name in form.changed_data or not change}
        try:
            saved = (self.update(request, type(obj).objects.get(pk=obj.pk), values) if change
                     else self.create(request, values))
        except DomainError as exc:
            messages.error(request, str(exc.message or "; ".join(str(m) for m in exc.fields.values())))
            raise _Refused() from exc
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj) -> None:
        try:
            self.remove(request, obj)
        except DomainError as exc:
            messages.error(request, str(exc.message or exc.code))
            raise _Refused() from exc

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except _Refused:
            return self._back(request)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except _Refused:
            return self._back(request)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except _Refused:
            return self._back(request)

    @staticmethod
    def _back(request: HttpRequest):
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(request.get_full_path())


class _Refused(Exception):
    """A service refused an admin save or delete (its transaction is rolled back)."""
