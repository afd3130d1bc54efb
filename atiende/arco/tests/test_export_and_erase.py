"""Access exports and erasures end to end through the API: a person who wrote by email (with an
attachment), was answered, called, surveyed and owns an asset; after the erasure no table, no
stored file, no API answer and no search finds their name, address, phone or text."""

from __future__ import annotations

import io
import os
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from atiende.assets.models import Asset, Product
from atiende.calls.models import Call
from atiende.core import clock
from atiende.core.models import AuditEntry
from atiende.customers.models import Customer, Identity, IdentityKind
from atiende.customers.services import customer_create
from atiende.feedback.models import Survey
from atiende.mail.services import ingest
from atiende.metrics.models import MetricEvent
from atiende.tickets.models import Attachment, Ticket
from atiende.tickets.services import message_create
from atiende.tickets.services.customer_merge import customer_merge

pytestmark = pytest.mark.django_db

NAME = "Zacarías Quintanilla"
EMAIL = "zq.arco@ejemplo-unico.mx"
PHONE = "+525599887766"
ADDRESS = "Calle Xochiquetzal 4455"
SUBJECT = "Calefactor Quetzalcoatlus roto"
BODY = "Mi calefactor Quetzalcoatlus dejó de calentar; vivo en " + ADDRESS
FILE_BYTES = b"ARCHIVO-SECRETO-ZQ-77 contenido de la factura"
UNIQUE = ["Quintanilla", "ejemplo-unico.mx", "5599887766", "Xochiquetzal", "Quetzalcoatlus", "ARCHIVO-SECRETO-ZQ"]


def _email() -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = f"{NAME} <{EMAIL}>", "soporte@nopal.mx", SUBJECT
    message["Message-ID"] = make_msgid(domain="mta.example.net")  # kept to refuse replays: no personal data
    message.set_content(BODY)
    message.add_attachment(FILE_BYTES, maintype="application", subtype="octet-stream", filename="factura-zq.txt")
    return message.as_bytes()


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # only this test's files are swept


@pytest.fixture
def person(world, django_capture_on_commit_callbacks) -> Customer:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = Ticket.objects.get(pk=ingest(_email(), source="file").ticket_id)
        message_create(actor=world.admin, ticket=ticket, body=f"Hola {NAME}, mandamos técnico a {ADDRESS}.")
        message_create(actor=world.admin, ticket=ticket, body="Nota: Quintanilla prefiere la mañana.", internal=True)
    customer = ticket.requester
    Identity.objects.create(customer=customer, kind=IdentityKind.PHONE, value=PHONE)
    product = Product.objects.create(name="Calefactor", sku="CAL-1")
    Asset.objects.create(product=product, customer=customer, organization=customer.organization, identifier="SN-1", purchased_on=clock.now().date(),
                         installation_address=ADDRESS)
    Call.objects.create(phone=PHONE, direction="inbound", started_at=clock.now(), notes=f"Llamó {NAME}",
                        customer=customer, ticket=ticket, external_id="call-zq-1")
    Survey.objects.create(ticket=ticket, episode=1, state="answered", rating=5, due_at=clock.now(), comment=f"Gracias, {NAME}")
    assert Attachment.objects.filter(message__ticket=ticket).exists()
    return customer


def _found_in_database() -> list[str]:
    hits = []
    for model in apps.get_models():
        fields = [field.name for field in model._meta.concrete_fields
                  if isinstance(field, (models.CharField, models.TextField, models.JSONField, models.FileField))]
        manager = model._base_manager
        for name in fields:
            for text in UNIQUE:
                rows = manager.annotate(_t=models.functions.Cast(name, models.TextField())).filter(_t__icontains=text)
                if rows.exists():
                    hits.append(f"{model._meta.label}.{name} contains {text!r}")
    return hits


def _found_in_media() -> list[str]:
    assert os.path.isdir(settings.MEDIA_ROOT)
    hits = []
    for folder, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                data = handle.read().lower()
            hits += [f"{path} contains {text!r}" for text in UNIQUE if text.lower().encode() in data]
    return hits


def test_the_export_is_a_zip_of_json_and_files_for_admins_only(world, person, django_capture_on_commit_callbacks):
    admin = world.client_for(world.admin)
    assert world.client_for(world.supervisor).post(f"/api/v1/customers/{person.pk}/export/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/api/v1/customers/{person.pk}/export/")
    assert response.status_code == 202, response.content
    state = admin.get(f"/api/v1/data-exports/{response.json()['id']}/").json()
    assert state["status"] == "ready" and state["download_url"]
    assert world.client_for(world.supervisor).get(state["download_url"]).status_code == 403
    assert admin.get(state["download_url"].split("?")[0] + "?signature=forged").status_code == 404
    download = admin.get(state["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert NAME in archive.read("profile.json").decode()
    assert PHONE in archive.read("identities.json").decode()
    messages = archive.read("messages.json").decode()
    assert "Quetzalcoatlus" in messages and "prefiere la mañana" not in messages  # internal notes stay inside
    assert any(name.endswith("factura-zq.txt") and archive.read(name) == FILE_BYTES for name in names)
    assert any(name.startswith("files/email/") for name in names)  # the original as received
    for section in ("assets", "calls", "surveys", "tickets", "audit_entries", "emails_received"):
        assert f"{section}.json" in names, section
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"data.exported", "data.export_downloaded"} <= actions


def test_after_erasure_no_table_file_api_or_search_shows_the_person(world, person, django_capture_on_commit_callbacks):
    admin = world.client_for(world.admin)
    # A second profile of the same person (another address, a WhatsApp number) merged into this one.
    duplicate = customer_create(name="Zacarías Q. Quintanilla", identities={"email": "zq.otro@ejemplo-unico.mx",
                                                                            "whatsapp": "+525511223344"})
    customer_merge(actor=world.admin, source=duplicate, target=person)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/api/v1/customers/{person.pk}/export/")  # an archive exists and must go too
    assert _found_in_database() and _found_in_media()  # the check can see the person before
    ticket_ids = list(Ticket.objects.filter(requester=person).values_list("pk", flat=True))
    metric_events = MetricEvent.objects.count()
    other_ticket = Ticket.objects.get(pk=world.ticket_b.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/api/v1/customers/{person.pk}/erase/")
    assert response.status_code == 202, response.content

    assert _found_in_database() == []
    assert _found_in_media() == []
    # The organisation's statistics stay: the tickets as anonymised rows, the metric events, the rating.
    assert list(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", flat=True)) == ticket_ids
    assert MetricEvent.objects.count() == metric_events
    assert Survey.objects.get(ticket_id=ticket_ids[0]).rating == 5
    assert Ticket.objects.get(pk=world.ticket_b.pk).subject == other_ticket.subject  # nobody else is touched
    for path in (f"/api/v1/customers/{person.pk}/", f"/api/v1/tickets/{ticket_ids[0]}/",
                 f"/api/v1/tickets/{ticket_ids[0]}/messages/", "/api/v1/tickets/?q=Quetzalcoatlus",
                 "/api/v1/customers/?q=Quintanilla", "/api/v1/audit-log/"):
        body = admin.get(path).content.decode()
        assert not [text for text in UNIQUE if text.lower() in body.lower()], path
    assert admin.get("/api/v1/tickets/?q=Quetzalcoatlus").json()["results"] == []
    assert AuditEntry.objects.filter(action="data.erased", target_id=str(person.pk)).exists()


def test_only_admins_may_erase(world, person):
    for user in (world.supervisor, world.agent1, person.user):
        assert world.client_for(user).post(f"/api/v1/customers/{person.pk}/erase/").status_code in (403, 404)
    assert Customer.objects.get(pk=person.pk).name == NAME
    assert world.client_for(world.admin).post("/api/v1/customers/999999/erase/").status_code == 404
