"""What Django itself does that the audit log must see: a sign-out (django.contrib.auth's
signal) and every add, change or delete in the administration site (its LogEntry). Our own
services record their actions directly (core/audit.py); these two have no service of ours."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save

from atiende.core.audit import audit_record

FLAGS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record("auth.sign_out", actor=user, target=user)


def _admin_logged(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    audit_record("admin.changed", actor=instance.user, target_label=instance.object_repr,
                 after={"what": FLAGS.get(instance.action_flag, str(instance.action_flag)),
                        "model": instance.content_type.model if instance.content_type_id else "",
                        "id": instance.object_id or "", "change": instance.get_change_message()})


def connect() -> None:
    user_logged_out.connect(_signed_out, dispatch_uid="atiende.audit.sign_out")
    post_save.connect(_admin_logged, sender=LogEntry, dispatch_uid="atiende.audit.admin")
