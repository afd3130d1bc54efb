"""The document index and the ranked search, the same cases on SQLite and PostgreSQL."""

import pytest

from atiende.search.models import Document
from atiende.search.selectors import search
from atiende.search.services import delete_document, index_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs():
    index_document(kind="article", object_id=1, title="Cómo cambiar tu contraseña",
                   body="Entra al panel y elige Seguridad para cambiar la contraseña del correo.")
    index_document(kind="article", object_id=2, title="Renovar el certificado SSL",
                   body="El candado del navegador aparece cuando el certificado está vigente. Contraseña no aplica.")
    index_document(kind="article", object_id=3, title="Configurar el correo en el celular",
                   body="Usa IMAP y tu contraseña.", private_body="Nota: el servidor viejo falla con Outlook 2010.")
    index_document(kind="article", object_id=4, title="How to change your password", body="Open Security.",
                   language="en")


def ids(hits):
    return [hit.object_id for hit in hits]


def test_accents_case_and_plurals_do_not_matter(docs):
    assert ids(search("article", "CONTRASENAS", language="es"))[0] == 1
    assert set(ids(search("article", "contraseña", language="es"))) == {1, 2, 3}


def test_a_title_match_ranks_above_a_body_match(docs):
    assert ids(search("article", "certificado", language="es")) == [2]
    assert ids(search("article", "cambiar contraseña", language="es"))[0] == 1


def test_synonyms_from_the_starter_list_find_the_documents_words(docs):
    assert ids(search("article", "el candadito", language="es")) == [2]
    assert ids(search("article", "password", language="es"))[0] == 1


def test_private_text_is_matched_and_shown_only_when_asked(docs):
    assert search("article", "outlook", language="es") == []
    hits = search("article", "outlook", language="es", private=True)
    assert ids(hits) == [3] and "<mark>Outlook</mark>" in hits[0].snippet


def test_within_limits_the_objects_and_language_the_documents(docs):
    within = Document.objects.filter(kind="article", object_id__in=[2, 3]).values("object_id")
    assert set(ids(search("article", "contraseña", language="es", within=within))) == {2, 3}
    assert ids(search("article", "password", language="en")) == [4]
    assert 4 in ids(search("article", "change password", language=""))


def test_typos_find_the_closest_known_word(docs):
    assert ids(search("article", "certifcado", language="es")) == [2]
    assert ids(search("article", "contrasenia", language="es"))[0] == 1


def test_reindexing_replaces_and_deleting_removes(docs):
    index_document(kind="article", object_id=2, title="Dominios", body="Renovar un dominio")
    assert search("article", "certificado", language="es") == []
    assert ids(search("article", "dominio", language="es")) == [2]
    delete_document(kind="article", object_id=2)
    assert search("article", "dominio", language="es") == []
    assert Document.objects.filter(kind="article").count() == 3


def test_prefix_finds_an_unfinished_last_word(docs):
    assert ids(search("article", "renovar certifi", language="es", prefix=True)) == [2]


@pytest.mark.parametrize("text", [
    "", "   ", "!!!...¿?", "a" * 10_000, "contraseña " * 2000, '" & | ! * ( ) NEAR(x y) :', "\x00\x00contraseña\x00",
    "'; DROP TABLE search_document; --", "de la el", "*", "NEAR", "title:contraseña", "{title body}: x", "^x",
])
def test_bad_input_gives_results_or_nothing_never_an_error(docs, text):
    hits = search("article", text, language="es")
    assert isinstance(hits, list)
    assert all(isinstance(h.object_id, int) for h in hits)


def test_snippets_are_escaped_and_marked(docs):
    index_document(kind="article", object_id=9, title="X", body="<script>alert(1)</script> reinicia el módem")
    hit = search("article", "modem", language="es")[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet and "<mark>módem</mark>" in hit.snippet
