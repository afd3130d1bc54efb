"""The text normalisation and the query parser (pure: no database)."""

import pytest

from atiende.search.query import parse, to_fts5, to_tsquery
from atiende.search.text import fold, snippet, terms

SYNONYMS = {
    ("no", "me", "jala"): [("no", "funciona")],
    ("candadito",): [("ssl",), ("certificado",)],
    ("password",): [("contrasena",)],
    ("pagina",): [("sitio", "web")],
}


def test_fold_drops_case_and_accents():
    assert fold("Contraseña OLVIDÉ Pingüino") == "contrasena olvide pinguino"


def test_terms_are_the_same_with_or_without_accents_and_plurals():
    assert terms("Certificados de la página") == terms("certificado pagina")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!! ¿? ... ---", "& | ! \" * ( ) :", "de la el", "\x00\x00", "'; DROP TABLE x; --"[:2]],
)
def test_nothing_searchable_gives_an_empty_query(text):
    query = parse(text)
    assert not query
    assert to_fts5(query) == "" and to_tsquery(query) == ""


@pytest.mark.parametrize(
    "text",
    ['certificado & ssl | "x" !NEAR(a b) *', "correo\x00caido", "a" * 10_000, "ñ" * 10_000, "x " * 5000,
     "'; DROP TABLE search_document; --", 'NEAR("a" "b", 2) AND OR NOT'],
)
def test_operators_and_huge_input_become_plain_quoted_words(text):
    query = parse(text)
    fts, ts = to_fts5(query), to_tsquery(query)
    # Only our own operators and quoted [0-9a-z] terms survive.
    for token in fts.replace("(", " ").replace(")", " ").split():
        assert token in {"AND", "OR"} or (token.startswith('"') and token.strip('"*').isalnum())
    assert set(ts) <= set("abcdefghijklmnopqrstuvwxyz0123456789&|() :*")
    assert len(query.groups) <= 32


def test_synonym_phrases_become_alternatives():
    query = parse("No me JALA el correo", synonyms=SYNONYMS)
    assert query.groups == ((("jala",), ("funciona",)), (("correo",),))
    assert to_fts5(query) == '(("jal") OR ("funcion")) AND (("corre"))'
    assert to_tsquery(query) == "((jala) | (funciona)) & ((correo))"


def test_a_synonym_of_several_words_needs_them_all():
    assert to_fts5(parse("pagina caida", synonyms=SYNONYMS)) == '(("pagin") OR ("siti" AND "web")) AND (("caid"))'


def test_prefix_applies_to_the_last_typed_word_only():
    assert to_fts5(parse("renovar certifi", prefix=True)).endswith('(("certifi"*))')
    assert to_tsquery(parse("renovar certifi", prefix=True)).endswith("((certifi:*))")
    assert "*" not in to_fts5(parse("renovar el", prefix=True))


def test_snippet_marks_matches_and_escapes_everything_else():
    query = parse("certificados pagina")
    html = snippet("Hola, el <script>x</script> certificado de mi página venció", query.terms)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>certificado</mark>" in html and "<mark>página</mark>" in html


def test_snippet_of_a_long_text_starts_near_the_first_match():
    text = "relleno " * 200 + "el certificado vencio " + "mas relleno " * 200
    html = snippet(text, parse("certificado").terms)
    assert html.startswith("… ") and html.endswith(" …") and "<mark>certificado</mark>" in html
    assert len(html) < 300
