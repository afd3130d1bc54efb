"""What a customer's answer to the bot means, in Spanish or English (pure: no database).

The bot asks "Did this solve your problem?" and understands only short, plain answers: "sí"/"si"/
"1"/"yes" (solved), "no"/"2" (not solved), "agente"/"persona"/"humano"/"agent"/"person" (a
person, please). Anything else is not guessed at: it goes to a person too."""

from __future__ import annotations

import re
import unicodedata

YES = "yes"
NO = "no"
PERSON = "person"

_YES = {"si", "1", "yes", "y", "yep", "yeah", "ok si", "si gracias", "si muchas gracias", "yes thanks",
        "yes thank you", "si ya", "si ya quedo", "si me sirvio", "si lo resolvio", "si esto lo resolvio",
        "yes it did", "it did"}
_NO = {"no", "2", "n", "nop", "nope", "no gracias", "no thanks", "no me sirvio", "no lo resolvio", "no funciono",
       "no it did not", "no it didnt", "it did not", "it didnt", "sigo igual"}
_PERSON_WORDS = {"3", "agente", "agentes", "persona", "personas", "humano", "humana", "asesor", "asesora",
                 "operador", "operadora", "ejecutivo", "ejecutiva", "agent", "person", "human", "someone",
                 "representative", "operator"}
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalized(text: str) -> str:
    """Lower case, accents and punctuation (and emoji) gone, one space between words."""
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", folded).replace("_", " ").split())


def reply_meaning(text: str) -> str | None:
    """YES, NO, PERSON, or None for anything else (a question, a new detail: a person reads it)."""
    words = normalized(text)
    if words in _YES:
        return YES
    if words in _NO:
        return NO
    if _PERSON_WORDS & set(words.split()):
        return PERSON
    return None
