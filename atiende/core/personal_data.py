"""The personal-data port (docs/decisions/0047-arco-requests.md).

Every app that keeps rows about people has a `personal_data.py` that calls `register(...)` once:
which of its models it covers (an exporter reads them for an access request, an eraser removes or
anonymises them for a cancellation) and which hold no personal data, each with the reason. The
ARCO app collects them all by module name (`handlers()`), so it imports none of them, and a test
fails while any model of the project is in neither list.

A subject is the person as plain ids and strings (no ORM rows), so this port stays in `core`.
Erasers run in INSTALLED_APPS order inside one transaction; later ones (search) see the text the
earlier ones anonymised. Files are deleted after the commit (`delete_file_after_commit`), so a
rolled-back erasure loses no file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.module_loading import autodiscover_modules

# What an anonymised text reads (stored, not shown through gettext: it is data).
ERASED = "[erased]"


@dataclass
class Subject:
    """One person: the customer rows (the person and the rows merged into them), their portal
    users, the tickets they asked, the messages they wrote or received on those tickets, and the
    strings that identify them (names, addresses, phone numbers, chat and Telegram ids)."""

    customer_ids: list[int]
    user_ids: list[int]
    ticket_ids: list[int]
    message_ids: list[int]
    emails: list[str]
    phones: list[str]
    names: list[str]
    other_ids: list[str] = field(default_factory=list)

    @property
    def strings(self) -> list[str]:
        """Every identifying string, at least 4 characters long (shorter ones match everything)."""
        return [text for text in dict.fromkeys([*self.names, *self.emails, *self.phones, *self.other_ids])
                if len(text) >= 4]


class Export:
    """What exporters fill: JSON sections and files, written into the ZIP by the ARCO app."""

    def __init__(self) -> None:
        self.sections: dict[str, list[dict[str, Any]]] = {}
        self.files: list[tuple[str, Any]] = []  # (name in the archive, a FieldFile)

    def add(self, section: str, rows: Iterable[Mapping[str, Any]]) -> None:
        self.sections.setdefault(section, []).extend(json.loads(json.dumps(list(rows), cls=DjangoJSONEncoder)))

    def add_rows(self, section: str, queryset: models.QuerySet, fields: Iterable[str] | None = None) -> None:
        self.add(section, queryset.values(*(fields or ())))

    def add_file(self, name: str, file: Any) -> None:
        if file:
            self.files.append((name, file))


@dataclass(frozen=True)
class Handler:
    app_label: str
    covers: tuple[str, ...]
    exempt: Mapping[str, str]
    export: Callable[[Subject, Export], None]
    erase: Callable[[Subject], None]


_handlers: dict[str, Handler] = {}


def register(app_label: str, *, covers: Iterable[str] = (), exempt: Mapping[str, str] | None = None,
             export: Callable[[Subject, Export], None] | None = None,
             erase: Callable[[Subject], None] | None = None) -> None:
    """Declare an app's models. `covers`/`exempt` take model labels ("tickets.Message"); an app
    may declare models of Django's own apps too (core does)."""
    _handlers[app_label] = Handler(app_label, tuple(covers), dict(exempt or {}),
                                   export or (lambda subject, out: None), erase or (lambda subject: None))


def handlers() -> list[Handler]:
    """Every registered handler, in INSTALLED_APPS order."""
    autodiscover_modules("personal_data")
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return sorted(_handlers.values(), key=lambda handler: order.get(handler.app_label, len(order)))


def containing(queryset: models.QuerySet, field_name: str, strings: Iterable[str]) -> models.QuerySet:
    """Rows whose `field_name` (text or JSON, read as text) contains any of `strings`."""
    strings = [text for text in strings if text]
    if not strings:
        return queryset.none()
    queryset = queryset.annotate(_as_text=Cast(field_name, models.TextField()))
    condition = models.Q()
    for text in strings:
        condition |= models.Q(_as_text__icontains=text)
    return queryset.filter(condition)


def delete_file_after_commit(file: Any) -> None:
    """Delete a stored file once the erasure commits (a roll-back keeps it)."""
    if file and file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


# --- core's own rows and Django's -------------------------------------------------------------

def _core_export(subject: Subject, out: Export) -> None:
    from .models import AuditEntry, OutboxMessage

    out.add_rows("emails_sent_to_you", containing(OutboxMessage.objects.all(), "to", subject.emails)
                 .values("subject", "to", "cc", "body", "created_at"))
    about = _audit_about(subject, AuditEntry.objects.all())
    out.add_rows("audit_entries", about, ["action", "actor_label", "target_label", "before", "after", "ip",
                                          "created_at"])


def _audit_about(subject: Subject, entries: models.QuerySet) -> models.QuerySet:
    by_target = models.Q(target_type="customers.customer", target_id__in=[str(pk) for pk in subject.customer_ids])
    by_target |= models.Q(target_type="accounts.user", target_id__in=[str(pk) for pk in subject.user_ids])
    by_target |= models.Q(actor_id__in=subject.user_ids)
    found = set(entries.filter(by_target).values_list("pk", flat=True))
    for name in ("actor_label", "target_label", "before", "after", "user_agent"):
        found.update(containing(entries, name, subject.strings).values_list("pk", flat=True))
    return entries.filter(pk__in=found).order_by("created_at")


def _core_erase(subject: Subject) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    from .audit import audit_anonymise
    from .models import AuditEntry, OutboxMessage

    for name in ("to", "cc", "bcc", "body", "raw", "subject"):
        containing(OutboxMessage.objects.all(), name, subject.strings).delete()
    # The entries stay (who did what, when); what they said about the person goes.
    audit_anonymise(_audit_about(subject, AuditEntry.objects.all()), erased=ERASED)
    for name in ("object_repr", "change_message"):
        containing(LogEntry.objects.all(), name, subject.strings).update(object_repr=ERASED, change_message="")
    if subject.user_ids:
        # A signed-in portal session of the person ends (its data names the user's id).
        users = {str(pk) for pk in subject.user_ids}
        keys = [session.session_key for session in Session.objects.all().iterator()
                if str(session.get_decoded().get("_auth_user_id")) in users]
        Session.objects.filter(session_key__in=keys).delete()


register(
    "core",
    covers=["core.OutboxMessage", "core.AuditEntry", "admin.LogEntry", "sessions.Session"],
    exempt={
        "auth.Permission": "Django's permission names.",
        "auth.Group": "Groups of permissions, no people.",
        "contenttypes.ContentType": "Model names.",
    },
    export=_core_export, erase=_core_erase,
)
