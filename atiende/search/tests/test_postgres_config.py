"""On PostgreSQL the atiende_es configuration stems folded words as the Python side does, so a
tsquery built by `to_tsquery` finds what the FTS5 expression finds on SQLite."""

import pytest
from django.db import connection

from atiende.search.query import parse, to_tsquery
from atiende.search.text import terms

pytestmark = pytest.mark.django_db

CASES = [
    ("Renovar el certificado SSL de mi página", "renovar certificados pagina", True),
    ("No funciona el correo en el celular", "correos funcionan", True),
    ("Contraseña olvidada", "CONTRASENA", True),
    ("Cambiar los registros DNS", "cambio dominio", False),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL configuration")
@pytest.mark.parametrize(("document", "typed", "found"), CASES)
def test_atiende_es_matches_like_the_python_terms(document, typed, found):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('atiende_es', %s) @@ to_tsquery('atiende_es', %s)",
            [document, to_tsquery(parse(typed))],
        )
        assert cursor.fetchone()[0] is found
    assert (set(terms(typed)) <= set(terms(document))) is found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL configuration")
def test_operators_typed_by_a_person_never_reach_postgres_as_syntax():
    with connection.cursor() as cursor:
        for typed in ['a & | ! "b" * NEAR(c)', "x:* & !y", "\x00'); -- zz"]:
            cursor.execute("SELECT to_tsvector('atiende_es', 'b c y zz') @@ to_tsquery('atiende_es', %s)",
                           [to_tsquery(parse(typed))])
            assert cursor.fetchone()[0] in {True, False}
