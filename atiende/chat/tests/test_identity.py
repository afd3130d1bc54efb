"""The pure checks: the site's identity proof and origins (no database)."""

from __future__ import annotations

import pytest

from atiende.chat.identity import identity_hash, identity_proved, normalize_origin, origin_listed


def test_a_proof_is_the_hmac_of_the_lowercased_email():
    proof = identity_hash("s3creto", "Ana@Tienda-A.mx")
    assert proof == identity_hash("s3creto", " ana@tienda-a.mx ")
    assert identity_proved(secret="s3creto", email="ana@tienda-a.mx", proof=proof.upper())
    assert not identity_proved(secret="otro", email="ana@tienda-a.mx", proof=proof)
    assert not identity_proved(secret="s3creto", email="beto@tienda-a.mx", proof=proof)
    assert not identity_proved(secret="", email="ana@tienda-a.mx", proof=identity_hash("", "ana@tienda-a.mx"))
    assert not identity_proved(secret="s3creto", email="ana@tienda-a.mx", proof="")
    assert not identity_proved(secret="s3creto", email="ana@tienda-a.mx", proof="²" * 64)


@pytest.mark.parametrize(("text", "origin"), [
    ("https://www.example.com", "https://www.example.com"), ("HTTPS://WWW.Example.com:443/", "https://www.example.com"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"), ("https://[::1]:8443", "https://[::1]:8443"),
    ("https://example.com/path", None), ("ftp://example.com", None), ("https://", None), ("null", None),
    ("https://example.com:99999", None), ("https://example.com?x=1", None), ("", None),
])
def test_origins_are_normalized(text, origin):
    assert normalize_origin(text) == origin


def test_an_origin_is_listed_exactly():
    allowed = ["https://www.example.com", "http://localhost:3000"]
    assert origin_listed("https://www.example.com:443", allowed)
    assert not origin_listed("https://example.com", allowed)
    assert not origin_listed("http://www.example.com", allowed)
    assert not origin_listed("http://localhost:3001", allowed)
    assert not origin_listed(None, allowed)
