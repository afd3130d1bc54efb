"""Pure modules: no database."""

from __future__ import annotations

import pytest
from django.utils import translation

from atiende.core.html import sanitize_html
from atiende.tickets.attachments import sniff_content_type
from atiende.tickets.custom_fields import CustomFieldErrors, FieldSpec, clean_custom_fields
from atiende.tickets.status import ACTIVE_STATUSES, TicketStatus, behaviour


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted as written (English); the default language is es-MX."""
    with translation.override("en"):
        yield


SPECS = [
    FieldSpec("dominio", "text", required=True),
    FieldSpec("monto", "number"),
    FieldSpec("vence", "date"),
    FieldSpec("plan", "choice", choices=("basico", "negocio")),
]


def test_custom_fields_clean_and_merge():
    result = clean_custom_fields(SPECS, {"monto": 5}, {"dominio": "  mi.mx ", "vence": "2026-02-03", "plan": "negocio", "monto": None},
                                 enforce_required=True)
    assert result == {"dominio": "mi.mx", "vence": "2026-02-03", "plan": "negocio"}


@pytest.mark.parametrize(
    ("changes", "bad"),
    [
        ({"monto": True}, "monto"), ({"monto": "NaN"}, "monto"), ({"monto": "1e999999"}, "monto"), ({"vence": "2026-13-01"}, "vence"),
        ({"plan": "oro"}, "plan"), ({"dominio": 5}, "dominio"), ({"otro": 1}, "otro"), ({"dominio": "x" * 2001}, "dominio"),
        ({"dominio": "mi\x00.mx"}, "dominio"), ({"dominio": "\x00"}, "dominio"), ({"dominio": "mi\ud800.mx"}, "dominio"),
    ],
)
def test_custom_fields_refuse_bad_values(changes, bad):
    with pytest.raises(CustomFieldErrors) as error:
        clean_custom_fields(SPECS, {"dominio": "a"}, changes, enforce_required=False)
    assert list(error.value.errors) == [bad]


def test_custom_field_text_names_what_the_database_cannot_store():
    with pytest.raises(CustomFieldErrors) as error:
        clean_custom_fields(SPECS, {}, {"dominio": "mi\x00.mx"}, enforce_required=False)
    assert error.value.errors == {"dominio": "Text must not contain NUL characters."}


def test_required_fields_enforced_on_create():
    with pytest.raises(CustomFieldErrors) as error:
        clean_custom_fields(SPECS, {}, {}, enforce_required=True)
    assert list(error.value.errors) == ["dominio"]


def test_status_behaviour():
    assert behaviour(TicketStatus.PENDING_CUSTOMER).pauses_sla and behaviour(TicketStatus.ON_HOLD).pauses_sla
    assert not behaviour(TicketStatus.OPEN).pauses_sla
    assert not behaviour(TicketStatus.MERGED).agent_settable
    assert behaviour(TicketStatus.CLOSED).is_terminal and not behaviour(TicketStatus.SOLVED).is_terminal
    assert ACTIVE_STATUSES == {"new", "open", "pending_customer", "on_hold"}


@pytest.mark.parametrize(
    "dirty",
    [
        '<img src=x onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))" onclick="x()">x</p>',
        '<svg><script>alert(1)</script></svg>',
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_html_is_sanitized(dirty):
    clean = sanitize_html(dirty).lower()
    for bad in ("onerror", "<script", "javascript:", "onclick", "style=", "<iframe", "<svg"):
        assert bad not in clean


def test_html_keeps_formatting_and_safe_links():
    clean = sanitize_html('<p><strong>Hola</strong> <a href="https://nic.mx">NIC</a></p>')
    assert clean == '<p><strong>Hola</strong> <a href="https://nic.mx" rel="noopener noreferrer nofollow">NIC</a></p>'


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n0000", "a.txt", "image/png"),
        (b"%PDF-1.7 ...", "factura.png", "application/pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png", "image/svg+xml"),
        (b"hola, mundo", "notas.txt", "text/plain"),
        (b"a,b\n1,2", "datos.csv", "text/csv"),
        (b"\x00\x01\x02binario", "x.bin", "application/octet-stream"),
        (b"<html><script>", "pagina.html", "text/plain"),
    ],
)
def test_content_type_is_sniffed_from_bytes(head, name, expected):
    assert sniff_content_type(head, name) == expected
