"""split_reply: the new part of a reply apart from quoted history and signatures."""

from __future__ import annotations

import pytest

from atiende.mail.parsing import parse_message
from atiende.mail.reply import split_reply

from .corpus import sample

CASES = {
    "gmail-es-wrapped-attribution": (
        "Ya quedó, gracias.\n\nEl lun, 3 nov 2025 a las 10:00, Soporte Nopal (<\n"
        "soporte@nopal.mx>) escribió:\n\n> Hola Juan:\n> ¿Puedes confirmar?\n",
        "Ya quedó, gracias.",
        "El lun, 3 nov 2025 a las 10:00, Soporte Nopal (<\nsoporte@nopal.mx>) escribió:\n\n"
        "> Hola Juan:\n> ¿Puedes confirmar?",
    ),
    "gmail-es-one-line": (
        "Listo.\n\nEl mié., 5 nov. 2025 16:20, Ana <ana@tienda-a.mx> escribió:\n> pregunta\n",
        "Listo.",
        "El mié., 5 nov. 2025 16:20, Ana <ana@tienda-a.mx> escribió:\n> pregunta",
    ),
    "gmail-en": (
        "Thanks!\n\nOn Mon, Nov 3, 2025 at 10:00 AM Support <s@nopal.mx> wrote:\n> Hi\n",
        "Thanks!",
        "On Mon, Nov 3, 2025 at 10:00 AM Support <s@nopal.mx> wrote:\n> Hi",
    ),
    "outlook-es": (
        "De acuerdo.\n\n________________________________\nDe: Soporte <s@nopal.mx>\n"
        "Enviado: lunes, 3 de noviembre de 2025 10:00\nPara: Olga <o@t.mx>\nAsunto: Plan\n\nHola\n",
        "De acuerdo.",
        "________________________________\nDe: Soporte <s@nopal.mx>\n"
        "Enviado: lunes, 3 de noviembre de 2025 10:00\nPara: Olga <o@t.mx>\nAsunto: Plan\n\nHola",
    ),
    "outlook-es-bold-from-html": (
        "Sí.\n\n*De:* Soporte [mailto:s@nopal.mx]\n*Enviado el:* martes, 4 de noviembre de 2025\n"
        "*Para:* Olga\n*Asunto:* RE: Plan\n\nHola\n",
        "Sí.",
        "*De:* Soporte [mailto:s@nopal.mx]\n*Enviado el:* martes, 4 de noviembre de 2025\n"
        "*Para:* Olga\n*Asunto:* RE: Plan\n\nHola",
    ),
    "outlook-en": (
        "OK\n\nFrom: Support <s@nopal.mx>\nSent: Monday, November 3, 2025 10:00 AM\n"
        "To: Olga\nSubject: Plan\n\nHi\n",
        "OK",
        "From: Support <s@nopal.mx>\nSent: Monday, November 3, 2025 10:00 AM\nTo: Olga\n"
        "Subject: Plan\n\nHi",
    ),
    "original-message-es": (
        "Recibido.\n\n-----Mensaje original-----\nDe: s@nopal.mx\nHola\n",
        "Recibido.",
        "-----Mensaje original-----\nDe: s@nopal.mx\nHola",
    ),
    "original-message-en": (
        "Got it\n----- Original Message -----\nHi\n",
        "Got it",
        "----- Original Message -----\nHi",
    ),
    "apple-mail-es": (
        "Perfecto.\n\nEl 3/11/2025, a las 10:00, Soporte Nopal escribió:\n\n> ¿Sigues?\n",
        "Perfecto.",
        "El 3/11/2025, a las 10:00, Soporte Nopal escribió:\n\n> ¿Sigues?",
    ),
    "thunderbird-es": (
        "Gracias.\n\nEl 03/11/25 a las 10:00, Soporte Nopal escribió:\n> Hola\n",
        "Gracias.",
        "El 03/11/25 a las 10:00, Soporte Nopal escribió:\n> Hola",
    ),
    "plain-quote": (
        "Va.\n\n> texto citado\n> más\n",
        "Va.",
        "> texto citado\n> más",
    ),
    "signature-delimiter": (
        "Nos vemos.\n-- \nBruno B\nGerente\n",
        "Nos vemos.",
        "-- \nBruno B\nGerente",
    ),
    "iphone-es": (
        "Ok, gracias\n\nEnviado desde mi iPhone\n",
        "Ok, gracias",
        "Enviado desde mi iPhone",
    ),
    "iphone-en-above-quote": (
        "Sure\n\nSent from my iPhone\n\n"
        "On Nov 3, 2025, at 10:00, Support <s@nopal.mx> wrote:\n\n> Hi\n",
        "Sure",
        "Sent from my iPhone\n\nOn Nov 3, 2025, at 10:00, Support <s@nopal.mx> wrote:\n\n> Hi",
    ),
    "outlook-mobile": (
        "Lo reviso.\n\nObtener Outlook para Android\n",
        "Lo reviso.",
        "Obtener Outlook para Android",
    ),
    "bottom-posted": (
        "El 03/11/25 a las 10:00, Soporte escribió:\n> ¿Funciona?\n\nSí, ya funciona.\n",
        "Sí, ya funciona.",
        "El 03/11/25 a las 10:00, Soporte escribió:\n> ¿Funciona?",
    ),
    "interleaved-answers-are-all-new": (
        "> ¿Dominio?\ntienda-a.mx\n> ¿Plan?\nBásico\n",
        "> ¿Dominio?\ntienda-a.mx\n> ¿Plan?\nBásico",
        "",
    ),
    "only-a-quote": (
        "> nada nuevo\n",
        "> nada nuevo",
        "",
    ),
    "only-a-signature": (
        "-- \nBruno\n",
        "-- \nBruno",
        "",
    ),
    "a-sentence-is-not-an-attribution": (
        "El cliente me escribió:\n\nque no le llega la factura.\n",
        "El cliente me escribió:\n\nque no le llega la factura.",
        "",
    ),
    "enviado-in-the-middle-is-text": (
        "Enviado desde la sucursal norte ayer.\nSigue sin llegar.\n",
        "Enviado desde la sucursal norte ayer.\nSigue sin llegar.",
        "",
    ),
    "crlf": (
        "Hola\r\n\r\nOn Mon, Nov 3, 2025, Ana <a@t.mx> wrote:\r\n> x\r\n",
        "Hola",
        "On Mon, Nov 3, 2025, Ana <a@t.mx> wrote:\n> x",
    ),
    "empty": ("", "", ""),
}


@pytest.mark.parametrize(("text", "reply", "rest"), CASES.values(), ids=CASES.keys())
def test_split_reply(text, reply, rest):
    assert split_reply(text) == (reply, rest)


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("reply_gmail_es.eml", "Ya quedó, muchas gracias. Ahora sí abre tienda-a.mx.\n\nSaludos"),
        ("reply_gmail_html_es.eml", "Ya funciona, ¡gracias!"),
        (
            "reply_outlook_es.eml",
            "Sí, por favor cámbienos al plan Empresarial a partir de diciembre.\n\nOlga",
        ),
        ("reply_apple_es.eml", "Perfecto, lo reviso en la tarde."),
        ("reply_thunderbird_es.eml", "Gracias, ya vi la nota de crédito."),
    ],
)
def test_spanish_client_samples(name, reply):
    text = parse_message(sample(name)).text
    new, rest = split_reply(text)
    assert new == reply
    assert rest and rest in text.replace("\r\n", "\n")


def test_long_interleaved_text_is_fast():
    text = "> cita\nrespuesta\n" * 20_000
    assert split_reply(text) == (text.strip(), "")
