"""Writes a Maildir of mixed support mail for the ingestion benchmark, the same bytes every time.

The mailbox is what soporte@nopal.mx (a Mexican hosting company) received over about a week:

- 80 % new conversations from about 3,000 customers (every sender writes at least once; a
  sender never starts two conversations with the same subject) about domains, hosting, email,
  invoices (CFDI), SSL and DNS, e.g. "No resuelve mi dominio tiendita.com.mx";
- 20 % replies from the conversation's customer, each answering a message drawn from the 1,500
  before it (about a day), so about one in five answers an earlier reply. A reply has the subject
  "Re: <first subject>", `In-Reply-To` the answered message's Message-ID and `References` the
  whole chain, and quotes Gmail-style the support team's answer ("El lun, 3 nov 2025 a las
  10:00, Soporte Nopal <soporte@nopal.mx> escribió:") which itself quotes the answered message;
- 20 % carry one attachment of 20-200 KB (a real PNG of noise or a one-page PDF, never repeated
  bytes) with a Spanish file name such as "captura de pantalla.png" or "factura-marzo.pdf";
- 30 % are multipart/alternative with an HTML part; 10 % are windows-1252 quoted-printable
  (the rest UTF-8). These three traits are drawn independently of each other.

Files are standard Maildir names (`<epoch>.M<usec>P<pid>Q<n>.mx1.nopal.mx,S=<size>`), epoch from
the Date header and at least five seconds apart, so sorting the names gives delivery order; the
newest 10 % are in `new/`, the rest in `cur/` marked seen (`:2,S`). Lines end in CRLF
(policy.SMTP). The bytes depend only on --messages and --seed, not on --jobs.

    .venv/bin/python bench/make_maildir.py DIR [--messages 10000] [--seed 20251103] [--jobs N]
        [--force]

It prints how many messages of each kind it wrote; bench_ingest.py calls it for its Maildir.
"""

from __future__ import annotations

import argparse
import binascii
import functools
import html
import io
import multiprocessing
import os
import random
import shutil
import struct
import sys
import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.generator import BytesGenerator
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from pathlib import Path

DEFAULT_MESSAGES = 10_000
DEFAULT_SEED = 20251103
SENDERS = 3_000
REPLY_SHARE, ATTACHMENT_SHARE, HTML_SHARE, LEGACY_SHARE = 0.20, 0.20, 0.30, 0.10
UNREAD_SHARE = 0.10  # the newest messages, still in new/
REPLY_WINDOW = 1_500  # a reply answers one of this many messages before it (about a day)
START = datetime(2025, 11, 3, 8, 0, tzinfo=timezone(timedelta(hours=-6)))  # a Monday, CDMX
SUPPORT = Address("Soporte Nopal", "soporte", "nopal.mx")
MX_HOST = "mx1.nopal.mx"

FIRST_NAMES = [
    "María", "José", "Guadalupe", "Juan", "Fernanda", "Luis", "Ximena", "Carlos", "Sofía",
    "Miguel", "Valeria", "Jorge", "Camila", "Ricardo", "Daniela", "Alejandro", "Paola", "Arturo",
    "Lupita", "Héctor", "Mónica", "Raúl", "Verónica", "Óscar", "Claudia", "Jesús", "Adriana",
    "Ramón", "Itzel", "Andrés", "Citlali", "Rubén", "Brenda", "Tomás", "Araceli", "Iván", "Noemí",
    "Efraín",
]
LAST_NAMES = [
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Castillo", "Núñez", "Ibáñez",
    "Salazar",
]
FREE_MAIL = ["gmail.com", "gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx",
             "prodigy.net.mx"]
BUSINESSES = [
    "tiendita", "panaderia", "ferreteria", "taqueria", "consultorio", "despacho", "refaccionaria",
    "papeleria", "abarrotes", "estetica", "dental", "veterinaria", "muebleria", "farmacia",
    "floreria", "cafeteria", "imprenta", "gimnasio", "colegio", "hotel", "boutique", "zapateria",
    "optica", "laboratorio", "constructora", "inmobiliaria", "notaria", "tortilleria", "lavanderia",
]
PLACES = [
    "lupita", "elsol", "delvalle", "sanjuan", "laesperanza", "lamerced", "elnopal", "guadalupe",
    "lapaz", "juarez", "hidalgo", "morelos", "centro", "norte", "express", "lafe", "elangel",
    "santamaria", "losarcos", "lacima", "eltrebol", "coyoacan", "tlalpan", "oaxaca", "puebla",
    "merida", "queretaro", "chapultepec", "xochimilco", "polanco",
]
TLDS = [".com.mx", ".com.mx", ".mx", ".com", ".org.mx"]
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
          "octubre", "noviembre", "diciembre"]
MONTHS_SHORT = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
WEEKDAYS_SHORT = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]

# (subject, first paragraph): {domain} is the sender's site, {month} a month, {folio} a number.
TOPICS = [
    ("No resuelve mi dominio {domain}",
     "Desde ayer en la tarde mi dominio {domain} no abre, el navegador dice que no se encuentra el "
     "servidor. Ya revisé que esté pagado."),
    ("Renovación del dominio {domain}", "Me llegó un aviso de que {domain} vence este mes. ¿Cómo "
     "lo renuevo por dos años y cuánto cuesta?"),
    ("Mi página {domain} aparece caída", "Mis clientes me avisan que {domain} no carga desde la "
     "mañana, sale una página en blanco."),
    ("Error 500 en {domain}", "Al entrar a {domain} aparece «Error 500 Internal Server Error». No "
     "moví nada del sitio."),
    ("Certificado SSL vencido en {domain}", "Chrome marca {domain} como «No seguro» y dice que el "
     "certificado SSL venció. Pensé que se renovaba solo."),
    ("No aparece el candado en {domain}", "Instalé el certificado pero el candado no aparece en "
     "todas las páginas de {domain}."),
    ("No puedo recibir correos en ventas@{domain}", "Desde el lunes no me llegan correos a "
     "ventas@{domain}; los clientes dicen que les rebota."),
    ("Mis correos llegan a spam", "Todo lo que mando desde {domain} les llega a spam a mis "
     "clientes de Gmail y Hotmail."),
    ("Cambiar los DNS de {domain}", "Necesito apuntar {domain} a los DNS de otro proveedor para la "
     "tienda en línea. ¿Me indican los pasos?"),
    ("Agregar registro MX para {domain}", "Vamos a usar Google Workspace y nos piden agregar "
     "registros MX y un TXT de verificación en {domain}."),
    ("Registro TXT de verificación para {domain}", "Facebook me pide un registro TXT para "
     "verificar {domain} y no encuentro dónde agregarlo en el panel."),
    ("Solicito factura CFDI del pago de {month}", "Hice el pago del plan de hosting en {month} y "
     "necesito la factura CFDI 4.0 con uso G03."),
    ("Factura con RFC incorrecto", "La factura del folio {folio} salió con el RFC equivocado. "
     "Les pido cancelarla y timbrarla de nuevo."),
    ("Necesito el complemento de pago", "Pagué la factura {folio} en parcialidades y mi contador "
     "me pide el complemento de pago."),
    ("Cobro duplicado en mi tarjeta", "En mi estado de cuenta de {month} aparecen dos cargos por "
     "la renovación de {domain}."),
    ("¿Cómo configuro mi correo en Outlook?", "Compré una computadora nueva y no logro configurar "
     "mi cuenta de {domain} en Outlook, me pide la contraseña una y otra vez."),
    ("Espacio en disco lleno", "El panel dice que mi hosting de {domain} usa el 100 % del espacio "
     "y ya no se guardan los correos."),
    ("Transferir el dominio {domain} a Nopal", "Quiero traer {domain} desde otro registrador. Ya "
     "tengo el código de autorización."),
    ("Olvidé la contraseña del panel", "No recuerdo la contraseña del panel de control y el correo "
     "de recuperación ya no existe."),
    ("Mi WordPress está muy lento", "El sitio {domain} tarda más de diez segundos en cargar desde "
     "que instalé unos complementos."),
    ("Migrar {domain} a un plan más grande", "Crecimos y queremos pasar {domain} a un plan con más "
     "espacio sin perder los correos."),
    ("El subdominio tienda.{domain} no funciona", "Creé tienda.{domain} en el panel hace dos días "
     "y sigue sin resolver."),
    ("Respaldo de mi base de datos", "Borré por error una tabla de la base de datos de {domain}. "
     "¿Tienen un respaldo de anoche?"),
    ("Cancelar el plan de hosting", "Ya no vamos a usar el hosting de {domain}; quiero cancelarlo "
     "antes de la próxima renovación."),
]
DETAILS = [
    "Ya intenté borrar la caché del navegador y probar desde el celular, pero sigue igual.",
    "Es urgente porque de eso dependen las ventas de la semana.",
    "Mi número de cliente es el {folio}, por si lo necesitan.",
    "El técnico que nos hizo la página ya no trabaja con nosotros.",
    "Les escribo también por WhatsApp pero nadie contesta.",
    "Me pueden llamar al celular en horario de oficina.",
    "No sé si tenga que ver, pero ayer cambié la contraseña del correo.",
    "¿Me confirman si el problema es de su lado o del mío?",
]
GREETINGS = ["Hola,", "Buenas tardes,", "Buen día,", "Buenos días, equipo de soporte:", "Qué tal,"]
CLOSINGS = ["Saludos,", "Gracias de antemano,", "Quedo atenta,", "Quedo al pendiente,",
            "Muchas gracias,"]
REPLIES = [
    "Gracias, ya quedó funcionando.",
    "Sigue sin funcionar, les mando más detalles.",
    "Ya hice lo que me indicaron pero el problema continúa.",
    "¿Me pueden confirmar cuándo queda resuelto?",
    "Perfecto, muchas gracias por la ayuda tan rápida.",
    "No entiendo bien el paso dos, ¿me lo pueden explicar otra vez?",
    "Ya mandé el comprobante de pago, ¿lo pueden revisar?",
    "Hoy en la mañana volvió a fallar.",
]
SUPPORT_ANSWERS = [
    "Hola, gracias por escribirnos. Ya revisamos tu cuenta y aplicamos un ajuste en el servidor.\n"
    "¿Nos confirmas si ya funciona?",
    "Buen día. Para continuar necesitamos una captura de pantalla del error y la hora en que "
    "ocurrió.",
    "Hola. La propagación de los DNS puede tardar hasta 24 horas; te sugerimos esperar y probar de "
    "nuevo.",
    "Gracias por tu paciencia. Tu factura fue timbrada y la enviamos a tu correo registrado.",
    "Hola, ya renovamos el certificado SSL. Limpia la caché del navegador y vuelve a intentar.",
]
ATTACHMENTS = [
    ("captura de pantalla.png", "png"), ("Captura de pantalla 2025-11-04 a la(s) 10.32.15.png",
                                         "png"),
    ("error del panel.png", "png"), ("foto del mensaje de error.png", "png"),
    ("IMG_2043.png", "png"),
    ("factura-marzo.pdf", "pdf"), ("comprobante de pago.pdf", "pdf"), ("CFDI-A4521.pdf", "pdf"),
    ("constancia de situación fiscal.pdf", "pdf"), ("estado de cuenta octubre.pdf", "pdf"),
]
MAILERS = ["Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Mozilla Thunderbird 128.4",
           "iPhone Mail"]


@dataclass(frozen=True)
class Sender:
    name: str
    address: Address
    domain: str  # the customer's website, named in subjects


@dataclass(frozen=True)
class Planned:
    """What one message will be, before any byte is written."""

    index: int
    sender: Sender
    subject: str  # of the conversation, without "Re: "
    topic: int  # index into TOPICS
    parent: int | None  # the message this one answers
    references: tuple[str, ...]  # Message-IDs of the thread, oldest first, ending with the parent's
    message_id: str
    date: datetime
    attachment: bool
    html: bool
    legacy_charset: bool  # windows-1252, quoted-printable


# --- the plan: who writes what, when, answering whom ------------------------------------------

def plan(messages: int = DEFAULT_MESSAGES, seed: int = DEFAULT_SEED) -> list[Planned]:
    """The messages, in delivery order; depends only on (messages, seed)."""
    rng = random.Random(seed)
    replies = set(rng.sample(range(1, messages), round(messages * REPLY_SHARE))
                  if messages > 1 else [])
    with_attachment = set(rng.sample(range(messages), round(messages * ATTACHMENT_SHARE)))
    with_html = set(rng.sample(range(messages), round(messages * HTML_SHARE)))
    legacy = set(rng.sample(range(messages), round(messages * LEGACY_SHARE)))
    senders = make_senders(rng, min(SENDERS, messages - len(replies)))
    used_subjects: set[tuple[str, str]] = set()
    planned: list[Planned] = []
    date = START
    new_count = 0
    for index in range(messages):
        date += timedelta(seconds=rng.randint(5, 115))
        if index in replies:
            parent = planned[rng.randrange(max(0, index - REPLY_WINDOW), index)]
            root = planned[_root_index(planned, parent)]
            sender, subject, topic = root.sender, root.subject, root.topic
            references = (*parent.references, parent.message_id)
        else:
            parent, references = None, ()
            sender = senders[new_count] if new_count < len(senders) else rng.choice(senders)
            new_count += 1
            topic, subject = new_subject(rng, sender, used_subjects)
        planned.append(Planned(
            index=index, sender=sender, subject=subject, topic=topic,
            parent=parent.index if parent else None, references=references,
            message_id=f"<{int(date.timestamp())}.{index:05d}.{rng.getrandbits(48):012x}@"
                       f"{_mail_host(sender)}>",
            date=date, attachment=index in with_attachment, html=index in with_html,
            legacy_charset=index in legacy,
        ))
    return planned


def _root_index(planned: list[Planned], message: Planned) -> int:
    while message.parent is not None:
        message = planned[message.parent]
    return message.index


def _mail_host(sender: Sender) -> str:
    domain = sender.address.domain
    return "mail.gmail.com" if domain == "gmail.com" else domain


def make_senders(rng: random.Random, count: int) -> list[Sender]:
    senders: list[Sender] = []
    addresses: set[str] = set()
    domains: set[str] = set()
    while len(senders) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        second = rng.choice(LAST_NAMES)
        name = f"{first} {last}" if rng.random() < 0.6 else f"{first} {last} {second}"
        domain = (rng.choice(BUSINESSES) + rng.choice(["", "-"]) + rng.choice(PLACES)
                  + rng.choice(TLDS))
        if rng.random() < 0.6:
            number = rng.choice(["", str(rng.randint(1, 99))])
            user = f"{ascii_fold(first)}.{ascii_fold(last)}{number}"
            address = Address(name, user, rng.choice(FREE_MAIL))
        else:
            user = rng.choice(["contacto", "ventas", "admin", "facturacion", ascii_fold(first)])
            address = Address(name, user, domain)
        if domain in domains or address.addr_spec in addresses:
            continue
        domains.add(domain)
        addresses.add(address.addr_spec)
        senders.append(Sender(name, address, domain))
    return senders


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def new_subject(rng: random.Random, sender: Sender, used: set[tuple[str, str]]) -> tuple[int, str]:
    """A topic and subject this sender has not used: a repeated subject would thread as one."""
    for attempt in range(50):
        topic = rng.randrange(len(TOPICS))
        subject = TOPICS[topic][0].format(domain=sender.domain, month=rng.choice(MONTHS), folio="")
        if attempt >= 20:
            subject += f" ({attempt})"
        if (sender.address.addr_spec, subject) not in used:
            used.add((sender.address.addr_spec, subject))
            return topic, subject
    raise RuntimeError("no unused subject")  # unreachable: numbered subjects are unique


# --- bodies ---------------------------------------------------------------------------------

def new_text(rng: random.Random, message: Planned) -> str:
    fill = {"domain": message.sender.domain, "month": rng.choice(MONTHS),
            "folio": rng.randint(10_000, 99_999)}
    lines = [rng.choice(GREETINGS), "", TOPICS[message.topic][1].format(**fill)]
    lines += [detail.format(**fill) for detail in rng.sample(DETAILS, rng.randint(0, 2))]
    if message.attachment:
        lines.append("Les adjunto el archivo para que lo revisen.")
    lines += ["", rng.choice(CLOSINGS), message.sender.name]
    if rng.random() < 0.3:
        phone = f"Tel. 55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        lines += ["-- ", message.sender.name, message.sender.domain, phone]
    return "\n".join(lines)


def reply_text(rng: random.Random, message: Planned) -> str:
    lines = [rng.choice(GREETINGS), "", rng.choice(REPLIES)]
    if message.attachment:
        lines.append("Les mando el archivo adjunto.")
    return "\n".join([*lines, "", rng.choice(CLOSINGS), message.sender.name.split()[0]])


def quoted_history(rng: random.Random, message: Planned, parent: Planned,
                   parent_text: str) -> tuple[str, str]:
    """(attribution, quoted text): support's answer, which quotes the answered message, as Gmail
    shows it below a reply."""
    answered_at = parent.date + (message.date - parent.date) * rng.uniform(0.2, 0.8)
    attribution = (f"El {spanish_date(answered_at)}, {SUPPORT.display_name} "
                   f"<{SUPPORT.addr_spec}> escribió:")
    inner = (f"El {spanish_date(parent.date)}, {parent.sender.name} "
             f"<{parent.sender.address.addr_spec}> escribió:")
    return attribution, f"{rng.choice(SUPPORT_ANSWERS)}\n\n{inner}\n{quote(parent_text)}"


def spanish_date(moment: datetime) -> str:
    return (f"{WEEKDAYS_SHORT[moment.weekday()]}, {moment.day} {MONTHS_SHORT[moment.month - 1]} "
            f"{moment.year} a las {moment:%H:%M}")


def quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def plain_body(own: str, history: tuple[str, str] | None) -> str:
    if history is None:
        return own + "\n"
    attribution, quoted = history
    return f"{own}\n\n{attribution}\n{quote(quoted)}\n"


def html_body(own: str, history: tuple[str, str] | None) -> str:
    parts = [f'<div dir="ltr">{paragraphs(own)}</div>']
    if history is not None:
        attribution, quoted = history
        parts.append(
            f'<div class="gmail_quote"><div class="gmail_attr">{html.escape(attribution)}<br></div>'
            f'<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
            f'padding-left:1ex">{blockquotes(quoted)}</blockquote></div>'
        )
    return "<html><body>" + "".join(parts) + "</body></html>\n"


def blockquotes(text: str) -> str:
    """Plain text with "> " lines as HTML with nested <blockquote>s."""
    own, quoted = [], []
    for line in text.split("\n"):
        if line.startswith(">"):
            quoted.append(line[2:] if line.startswith("> ") else line[1:])
        elif not quoted:  # our quotes are always the tail
            own.append(line)
    nested = "\n".join(quoted)
    inner = f"<blockquote>{blockquotes(nested)}</blockquote>" if quoted else ""
    return paragraphs("\n".join(own)) + inner


def paragraphs(text: str) -> str:
    blocks = [block for block in text.split("\n\n") if block.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line) for line in block.split("\n")) + "</p>"
                   for block in blocks)


# --- attachments: real file formats, so type sniffing and thumbnails work ----------------------

def png_bytes(rng: random.Random, size: int) -> bytes:
    """A valid RGB PNG of noise, about `size` bytes (stored, uncompressed deflate blocks)."""
    width = 256
    row = 1 + 3 * width  # filter byte + pixels
    height = max(1, size // row)
    pixels = bytearray(rng.randbytes(height * row))
    pixels[::row] = bytes(height)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(pixels), 0)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pdf_bytes(rng: random.Random, size: int, title: str) -> bytes:
    """A valid one-page PDF naming `title`, padded to about `size` bytes with a binary stream."""
    text = f"BT /F1 18 Tf 72 720 Td ({ascii_fold(title)}) Tj ET".encode()
    blob = rng.randbytes(max(0, size - 900))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(blob), blob),  # unreferenced: bulk only
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def attachment(rng: random.Random) -> tuple[str, str, bytes]:
    """(filename, subtype, content) of 20-200 KB."""
    filename, kind = rng.choice(ATTACHMENTS)
    size = rng.randint(20_000, 200_000)
    if kind == "png":
        return filename, "png", png_bytes(rng, size)
    return filename, "pdf", pdf_bytes(rng, size, filename)


# --- one message ----------------------------------------------------------------------------

class _Generator(BytesGenerator):
    """The stdlib generator, writing each body in one call instead of line by line (same bytes;
    its line-ending regex took as long as the rest on a 200 KB base64 attachment)."""

    def _write_lines(self, lines: str) -> None:
        if "\r" in lines:
            lines = lines.replace("\r\n", "\n").replace("\r", "\n")
        self.write(lines.replace("\n", self._NL))


class _Headers(HeaderRegistry):
    """The stdlib registry, remembering: it builds a new class for every header it makes, and
    parses values that repeat from message to message (Content-Type, Content-Disposition...)
    again each time. Header objects are immutable, so sharing them is safe."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}
        self._remembered = functools.lru_cache(maxsize=8192)(super().__call__)

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name: str, value: object) -> BaseHeader:
        if isinstance(value, str):
            return self._remembered(name, value)
        return super().__call__(name, value)  # an Address object


class _Policy(EmailPolicy):
    """policy.SMTP, remembering how each header value folds (refolding took a third of the time)."""

    def fold_binary(self, name: str, value: object) -> bytes:
        if not isinstance(value, BaseHeader):
            return super().fold_binary(name, value)
        key = (name.lower(), str(value))
        if key not in _FOLDED:
            _FOLDED[key] = super().fold_binary(name, value)
        return _FOLDED[key]


_FOLDED: dict[tuple[str, str], bytes] = {}
SMTP = _Policy(linesep="\r\n", header_factory=_Headers())  # what policy.SMTP is, plus memory


def build(rng: random.Random, message: Planned, history: tuple[str, str] | None,
          own: str) -> tuple[bytes, str | None]:
    """The message's bytes (CRLF) and the subtype of its attachment, if any."""
    msg = EmailMessage(policy=SMTP)
    # ASCII headers we format and fold ourselves go in raw: parsing and refolding each one
    # through the header registry was most of the generation time.
    for name, value in trace_headers(rng, message):
        msg.set_raw(name, value)
    msg["From"] = str(message.sender.address)  # RFC 2047 by the policy; a str is remembered
    msg.set_raw("To", SUPPORT.addr_spec)
    msg["Subject"] = ("Re: " if message.parent is not None else "") + message.subject
    msg.set_raw("Date", format_datetime(message.date))
    msg.set_raw("Message-ID", message.message_id)
    if message.references:
        msg.set_raw("In-Reply-To", message.references[-1])
        msg.set_raw("References", "\n ".join(message.references))  # one per line: short lines
    if message.sender.address.domain != "gmail.com":
        msg.set_raw("X-Mailer", rng.choice(MAILERS))
    charset, cte = "utf-8", None  # the policy picks 8bit, quoted-printable or base64
    if message.legacy_charset:
        charset, cte = "windows-1252", "quoted-printable"
    msg.set_content(plain_body(own, history), charset=charset, cte=cte)
    if message.html:
        msg.add_alternative(html_body(own, history), subtype="html", charset=charset, cte=cte)
    kind = None
    if message.attachment:
        filename, kind, content = attachment(rng)
        msg.make_mixed()
        msg.attach(attachment_part(filename, kind, content))
    for part in msg.walk():  # the stdlib draws boundaries from the global random: not repeatable
        if part.is_multipart():
            part.set_boundary(f"=-{rng.getrandbits(64):016x}")
    out = io.BytesIO()
    _Generator(out, policy=msg.policy).flatten(msg)
    return out.getvalue(), kind


def attachment_part(filename: str, kind: str, content: bytes) -> EmailMessage:
    """What add_attachment makes, with the base64 done in one C call instead of one per line."""
    part = EmailMessage(policy=SMTP)
    maintype = "image" if kind == "png" else "application"
    part.set_content(b"", maintype=maintype, subtype=kind, filename=filename)  # the headers
    encoded = binascii.b2a_base64(content, newline=False).decode("ascii")
    part.set_payload("".join(encoded[i:i + 76] + "\n" for i in range(0, len(encoded), 76)))
    return part


def trace_headers(rng: random.Random, message: Planned) -> list[tuple[str, str]]:
    """Return-Path, Delivered-To and Received lines as our Postfix would add them."""
    host = _mail_host(message.sender)
    address = ".".join(str(rng.randint(low, high)) for low, high in ((11, 223), (0, 255), (0, 255),
                                                                     (1, 254)))
    stamp = format_datetime(message.date)
    queue_id = f"{rng.getrandbits(40):010X}"
    return [
        ("Return-Path", f"<{message.sender.address.addr_spec}>"),
        ("Delivered-To", SUPPORT.addr_spec),
        ("Received", f"from localhost (localhost [127.0.0.1])\n\tby {MX_HOST} (Postfix) with "
                     f"ESMTP id {rng.getrandbits(40):010X}\n\tfor <{SUPPORT.addr_spec}>; {stamp}"),
        ("Received", f"from {host} ({host} [{address}])\n\tby {MX_HOST} (Postfix) with ESMTPS id "
                     f"{queue_id}\n\tfor <{SUPPORT.addr_spec}>; {stamp}"),
    ]


# --- the Maildir ------------------------------------------------------------------------------

def generate(directory: Path, messages: int = DEFAULT_MESSAGES, seed: int = DEFAULT_SEED,
             jobs: int | None = None) -> dict:
    """Write the Maildir into `directory` (created); return `summary` plus sizes and time.

    The texts are drawn in order (replies quote earlier ones); the bytes of each message then
    come from its own random stream, so `jobs` processes write the same files as one.
    """
    started = time.perf_counter()
    for sub in ("tmp", "new", "cur"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    planned = plan(messages, seed)
    unread_from = messages - round(messages * UNREAD_SHARE)
    work = [(directory, message, own, history, message.index >= unread_from, seed)
            for message, (own, history) in zip(planned, texts(planned, seed), strict=True)]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        written = list(map(_write_one, work))
    else:
        with multiprocessing.Pool(jobs) as pool:
            written = pool.map(_write_one, work, chunksize=64)
    kinds = Counter(kind for kind, _size in written)
    return summary(planned) | {
        "attachments_png": kinds["png"], "attachments_pdf": kinds["pdf"],
        "in_new": messages - unread_from, "in_cur": unread_from,
        "bytes": sum(size for _kind, size in written),
        "seconds": round(time.perf_counter() - started, 2),
    }


def texts(planned: list[Planned], seed: int) -> list[tuple[str, tuple[str, str] | None]]:
    """(what the customer wrote, the quoted history of a reply) for every message."""
    rng = random.Random(f"{seed}:texts")  # its own stream: the plan does not depend on texts
    out: list[tuple[str, tuple[str, str] | None]] = []
    for message in planned:
        if message.parent is None:
            out.append((new_text(rng, message), None))
        else:
            parent = planned[message.parent]
            own = reply_text(rng, message)
            out.append((own, quoted_history(rng, message, parent, out[parent.index][0])))
    return out


def _write_one(item: tuple[Path, Planned, str, tuple[str, str] | None, bool, int]
               ) -> tuple[str, int]:
    directory, message, own, history, unread, seed = item
    raw, kind = build(random.Random(f"{seed}:{message.index}"), message, history, own)
    deliver(directory, message, raw, unread=unread)
    return kind or "", len(raw)


def deliver(directory: Path, message: Planned, raw: bytes, *, unread: bool) -> None:
    """Write to tmp/, then rename into new/ or cur/: the Maildir delivery protocol."""
    epoch = int(message.date.timestamp())
    microseconds = message.index * 7919 % 1_000_000
    name = f"{epoch}.M{microseconds:06d}P4242Q{message.index + 1}.{MX_HOST},S={len(raw)}"
    staging = directory / "tmp" / name
    staging.write_bytes(raw)
    os.utime(staging, (epoch, epoch))
    final = directory / "new" / name if unread else directory / "cur" / f"{name}:2,S"
    os.replace(staging, final)


def summary(planned: list[Planned]) -> dict:
    """Counts that follow from the plan alone: what an ingestion should end up with."""
    replies = [m for m in planned if m.parent is not None]
    to_reply = sum(1 for m in replies if planned[m.parent].parent is not None)
    return {
        "messages": len(planned),
        "new_conversations": len(planned) - len(replies),
        "replies": len(replies),
        "replies_to_a_new_conversation": len(replies) - to_reply,
        "replies_to_an_earlier_reply": to_reply,
        "longest_thread": max((len(m.references) + 1 for m in planned), default=0),
        "senders": len({m.sender.address.addr_spec for m in planned}),
        "with_attachment": sum(m.attachment for m in planned),
        "with_html": sum(m.html for m in planned),
        "windows_1252": sum(m.legacy_charset for m in planned),
        "first_date": planned[0].date.isoformat() if planned else None,
        "last_date": planned[-1].date.isoformat() if planned else None,
    }


def prepare(directory: Path, force: bool) -> None:
    """Refuse to write into a non-empty directory, unless --force and it holds only a Maildir."""
    if not directory.exists() or not any(directory.iterdir()):
        return
    extra = {p.name for p in directory.iterdir()} - {"cur", "new", "tmp"}
    if not force or extra:
        sys.exit(f"{directory} is not empty" + (f" (it holds {sorted(extra)})" if extra else
                                                 "; --force replaces the Maildir in it"))
    shutil.rmtree(directory)


def print_summary(directory: Path, c: dict) -> None:
    print(f"wrote {c['messages']:,} messages to {directory} in {c['seconds']} s "
          f"({c['bytes'] / 1e6:.1f} MB; {c['in_cur']:,} in cur/, {c['in_new']:,} in new/)")
    print(f"  new conversations {c['new_conversations']:7,}  from {c['senders']:,} senders")
    print(f"  replies           {c['replies']:7,}  ({c['replies_to_a_new_conversation']:,} "
          f"answer a new conversation, {c['replies_to_an_earlier_reply']:,} an earlier reply; "
          f"longest thread {c['longest_thread']} messages)")
    print(f"  with attachment   {c['with_attachment']:7,}  ({c['attachments_png']:,} PNG, "
          f"{c['attachments_pdf']:,} PDF)")
    print(f"  with HTML part    {c['with_html']:7,}")
    print(f"  windows-1252 QP   {c['windows_1252']:7,}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("directory", type=Path)
    p.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--jobs", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--force", action="store_true", help="replace a Maildir already in DIRECTORY")
    args = p.parse_args()
    prepare(args.directory, args.force)
    print_summary(args.directory, generate(args.directory, args.messages, args.seed, args.jobs))


if __name__ == "__main__":
    main()
