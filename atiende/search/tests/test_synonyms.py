"""Synonyms from the database, the starter list, and the log of searches that found nothing."""

import pytest

from atiende.search.models import MissedQuery, Synonym
from atiende.search.query import to_fts5
from atiende.search.selectors import query_parse, synonym_map
from atiende.search.services import missed_query_log

pytestmark = pytest.mark.django_db


def test_the_starter_list_is_installed_and_folded():
    found = synonym_map()
    assert found[("candadito",)] == [("ssl",), ("certificado",)]
    assert found[("no", "me", "jala")][0] == ("no", "funciona")
    assert found[("password",)] == [("contrasena",)]


def test_an_admin_edit_changes_the_next_query():
    Synonym.objects.create(phrase="Chambea", meanings="Funciona")
    assert to_fts5(query_parse("no chambea")) == '(("chambe") OR ("funcion"))'


def test_searches_without_results_are_counted_by_folded_text():
    missed_query_log(kind="article", text="¿Cómo CAMBIO el DNS?")
    missed_query_log(kind="article", text="como cambio el dns")
    missed_query_log(kind="article", text="!!! \x00")
    assert list(MissedQuery.objects.values_list("text", "times")) == [("como cambio el dns", 2)]
