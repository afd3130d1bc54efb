"""Writes of ARCO requests, access exports and erasures (docs/decisions/0047-arco-requests.md).

Exports and erasures collect every app's `personal_data.py` through the port in
`core.personal_data`; this app names none of them. Both run in the background, queued by name
after the commit that accepted them."""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from tempfile import SpooledTemporaryFile

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_by_name_after_commit
from atiende.core.personal_data import Export, Subject, handlers
from atiende.customers.models import Customer, Identity, IdentityKind
from atiende.tickets.models import Message, Ticket

from .deadline import legal_deadline
from .models import (
    OPEN_STATES,
    ArcoRequest,
    DataExport,
    ExportStatus,
    RequestKind,
    RequestSource,
    RequestState,
)
from .permissions import can_export_or_erase, can_manage_requests, can_record_request

logger = logging.getLogger(__name__)
MAX_TEXT = 5000
SPOOL_BYTES = 16 * 1024 * 1024


# --- the subject ------------------------------------------------------------------------------

def subject_for(customer: Customer) -> Subject:
    """The person as the personal-data port sees them: this profile and those merged into it."""
    customer_ids, frontier = [customer.pk], [customer.pk]
    while frontier:
        frontier = list(Customer.objects.filter(merged_into_id__in=frontier).exclude(pk__in=customer_ids)
                        .values_list("pk", flat=True))
        customer_ids += frontier
    profiles = list(Customer.objects.filter(pk__in=customer_ids).select_related("user"))
    identities = list(Identity.objects.filter(customer_id__in=customer_ids).values_list("kind", "value"))
    emails = [value for kind, value in identities if kind == IdentityKind.EMAIL]
    emails += [profile.user.email for profile in profiles if profile.user is not None]
    phones = [value for kind, value in identities if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP)]
    others = [value for kind, value in identities if kind not in (IdentityKind.EMAIL, IdentityKind.PHONE,
                                                                   IdentityKind.WHATSAPP)]
    names = [text for profile in profiles for text in (profile.name, profile.preferred_name) if text]
    ticket_ids = list(Ticket.objects.filter(requester_id__in=customer_ids).values_list("pk", flat=True))
    message_ids = list(Message.objects.filter(ticket_id__in=ticket_ids).values_list("pk", flat=True))
    message_ids += Message.objects.filter(author_customer_id__in=customer_ids).exclude(ticket_id__in=ticket_ids) \
        .values_list("pk", flat=True)
    return Subject(customer_ids=customer_ids, user_ids=[profile.user_id for profile in profiles if profile.user_id], ticket_ids=ticket_ids,
                   message_ids=message_ids, emails=list(dict.fromkeys(emails)), phones=list(dict.fromkeys(phones)),
                   names=list(dict.fromkeys(names)), other_ids=others)


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id, merged_into__isnull=True).first()
    if customer is None:
        raise NotFound()
    return customer


def _label(customer: Customer) -> str:
    return _("Customer #%(id)s") % {"id": customer.pk}


# --- requests ---------------------------------------------------------------------------------

def request_record(*, actor: User, kind: str, text: str, customer_id: int | None = None) -> ArcoRequest:
    """A request from the portal (the actor is the customer) or recorded by an agent for a
    customer; its legal deadline is 20 business days."""
    if not can_record_request(actor):
        raise Forbidden()
    if kind not in RequestKind.values:
        raise Invalid(fields={"kind": _("Choose access, rectification, cancellation or opposition.")})
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise Invalid(fields={"text": _("Write at most %(limit)s characters.") % {"limit": MAX_TEXT}})
    if actor.kind == "customer":
        customer = Customer.objects.filter(user=actor).first()
        if customer is None:
            raise Forbidden()
        source = RequestSource.PORTAL
    else:
        if customer_id is None:
            raise Invalid(fields={"customer": _("Choose the customer.")})
        customer, source = _customer(customer_id), RequestSource.AGENT
    now = clock.now()
    with transaction.atomic():
        request = ArcoRequest.objects.create(customer=customer, kind=kind, text=text, source=source,
                                             recorded_by=actor, received_at=now, due_at=legal_deadline(now))
        audit_record("arco.request_recorded", actor=actor, target=request, target_label=_label(customer),
                     after={"kind": kind, "source": source, "due_at": request.due_at})
    return request


def request_change(*, actor: User, request_id: int, state: str, owner_id: int | None = None,
                   reason: str = "") -> ArcoRequest:
    """Move a request along: take it (owner), start, finish, or reject it with a reason."""
    if not can_manage_requests(actor):
        raise Forbidden()
    if state not in RequestState.values:
        raise Invalid(fields={"state": _("Unknown state.")})
    reason = (reason or "").strip()[:MAX_TEXT]
    if state == RequestState.REJECTED and not reason:
        raise Invalid(fields={"reason": _("Say why the request is rejected.")})
    owner = None
    if owner_id is not None:
        owner = User.objects.filter(pk=owner_id, kind="agent", is_active=True).first()
        if owner is None:
            raise Invalid(fields={"owner": _("Choose an active agent.")})
    with transaction.atomic():
        request = ArcoRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound()
        before = {"state": request.state, "owner": request.owner_id}
        request.state = state
        request.reason = reason if state == RequestState.REJECTED else ""
        request.owner = owner or request.owner or actor
        request.closed_at = None if state in OPEN_STATES else (request.closed_at or clock.now())
        request.save(update_fields=["state", "reason", "owner", "closed_at"])
        audit_record("arco.request_changed", actor=actor, target=request, target_label=_label(request.customer),
                     before=before, after={"state": request.state, "owner": request.owner_id})
    return request


# --- access exports ---------------------------------------------------------------------------

def export_request(*, actor: User, customer_id: int, request_id: int | None = None) -> DataExport:
    """Start building the ZIP of one customer's data; the archive is made in the background."""
    if not can_export_or_erase(actor):
        raise Forbidden()
    customer = _customer(customer_id)
    with transaction.atomic():
        export = DataExport.objects.create(customer=customer, requested_by=actor, request_id=request_id)
        audit_record("data.exported", actor=actor, target=customer, target_label=_label(customer),
                     after={"export": str(export.public_id)})
        enqueue_by_name_after_commit("arco.export_build", export_id=export.pk)
    return export


def export_build(*, export_id: int) -> DataExport:
    """Write the ZIP: one JSON file per section plus the stored files, then mark it ready."""
    export = DataExport.objects.select_related("customer").get(pk=export_id)
    if export.status != ExportStatus.PENDING:
        return export
    try:
        out = Export()
        subject = subject_for(export.customer)
        for handler in handlers():
            handler.export(subject, out)
        with SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
            _write_zip(buffer, out)
            export.size = buffer.tell()
            buffer.seek(0)
            export.file.save("export.zip", File(buffer), save=False)
        export.status = ExportStatus.READY
    except Exception as exc:  # the export says it failed instead of staying pending forever
        logger.exception("Personal-data export %s failed", export.pk)
        export.status, export.error = ExportStatus.FAILED, type(exc).__name__
    export.finished_at = clock.now()
    export.save(update_fields=["file", "size", "status", "error", "finished_at"])
    return export


def _write_zip(buffer, out: Export) -> None:
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "Datos personales / Personal data — atiende\n"
                         "Each .json file is one kind of record; files/ holds the stored files.\n")
        for section, rows in sorted(out.sections.items()):
            archive.writestr(f"{section}.json", json.dumps(rows, ensure_ascii=False, indent=2))
        for name, file in out.files:
            try:
                with file.open("rb") as handle, archive.open(f"files/{name}", "w") as target:
                    shutil.copyfileobj(handle, target)  # streamed: a large attachment is not held in memory
            except OSError:
                archive.writestr(f"files/{name}.missing.txt", "The stored file could not be read.\n")


def export_download_audit(*, actor: User, export: DataExport) -> None:
    audit_record("data.export_downloaded", actor=actor, target=export.customer, target_label=_label(export.customer),
                 after={"export": str(export.public_id)})


# --- erasure ----------------------------------------------------------------------------------

def erase_request(*, actor: User, customer_id: int) -> Customer:
    """Accept an erasure (cancellation); it runs in the background, after this commit."""
    if not can_export_or_erase(actor):
        raise Forbidden()
    customer = _customer(customer_id)
    enqueue_by_name_after_commit("arco.customer_erase", customer_id=customer.pk, actor_id=actor.pk)
    return customer


def customer_erase(*, customer_id: int, actor_id: int | None = None) -> None:
    """Remove or irreversibly anonymise the person in every table and stored file, in one
    transaction (files go after the commit). Tickets, surveys' ratings and metric events stay."""
    actor = User.objects.filter(pk=actor_id).first() or system_actor("arco")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        subject = subject_for(customer)
        for handler in handlers():
            handler.erase(subject)
        audit_record("data.erased", actor=actor, target=customer, target_label=_label(customer),
                     after={"tickets": len(subject.ticket_ids), "messages": len(subject.message_ids)})
