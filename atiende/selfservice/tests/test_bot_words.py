"""Reading a customer's answer to the bot (pure, no database)."""

from __future__ import annotations

import pytest

from atiende.selfservice.bot_words import NO, PERSON, YES, normalized, reply_meaning


@pytest.mark.parametrize("text", ["sí", "si", "Sí.", "SI!!", "1", " 1 ", "yes", "Yes", "y", "sí, gracias", "Si 👍",
                                  "yes, thanks", "sí, ya quedó"])
def test_yes_in_spanish_or_english(text):
    assert reply_meaning(text) == YES


@pytest.mark.parametrize("text", ["no", "No.", "NO!", "2", "nop", "no, gracias", "no thanks", "no me sirvió",
                                  "nope"])
def test_no_in_spanish_or_english(text):
    assert reply_meaning(text) == NO


@pytest.mark.parametrize("text", ["agente", "Agente", "persona", "humano", "quiero hablar con una persona",
                                  "no, quiero un agente", "sí pero pásame con un asesor", "agent", "talk to a person",
                                  "human please", "3"])
def test_asking_for_a_person(text):
    assert reply_meaning(text) == PERSON


@pytest.mark.parametrize("text", ["", "   ", "¿y a Cancún?", "gracias", "siempre", "nosotros", "1 2", "sí no",
                                  "yesterday", "\x00", "x" * 10_000, "(This message had no text.)"])
def test_anything_else_is_not_guessed(text):
    assert reply_meaning(text) is None


def test_normalized_folds_accents_case_and_punctuation():
    assert normalized("¡SÍ, Ñandú!  ya…") == "si nandu ya"
