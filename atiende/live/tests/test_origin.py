"""The websocket Origin check and the frame rules (pure: no database, no socket)."""

from __future__ import annotations

import pytest

from atiende.core.params import BadValue
from atiende.live.frames import MAX_FRAME_CHARS, frame_type
from atiende.live.origin import SameOriginValidator, origin_allowed, parse_origin

HOSTS = ["atiende.example.mx", "localhost"]


def allowed(origin, host="atiende.example.mx", secure=True, trusted=()):
    return origin_allowed(origin=origin, host=host, secure=secure, allowed_hosts=HOSTS, trusted_origins=trusted)


def test_parse_origin_names_scheme_host_and_port():
    assert parse_origin("https://Atiende.Example.MX") == ("https", "atiende.example.mx", 443)
    assert parse_origin("http://localhost:8000") == ("http", "localhost", 8000)
    for text in ("null", "", "ftp://x", "https://", "https://x:99999", "https://x:abc", "https://x/a", "//x"):
        assert parse_origin(text) is None, text


@pytest.mark.parametrize(("origin", "host", "secure", "expected"), [
    ("https://atiende.example.mx", "atiende.example.mx", True, True),
    ("https://atiende.example.mx:443", "atiende.example.mx", True, True),
    ("http://localhost:8000", "localhost:8000", False, True),
    ("http://localhost:8001", "localhost:8000", False, False),  # another port of the same host
    ("http://localhost", "localhost:8000", False, False),
    ("http://atiende.example.mx", "atiende.example.mx", True, False),  # another scheme
    ("https://atiende.example.mx", "atiende.example.mx", False, False),
    ("https://evil.example", "atiende.example.mx", True, False),
    ("https://evil.example", "evil.example", True, False),  # a Host not served here
    (None, "atiende.example.mx", True, False),
    ("https://atiende.example.mx", None, True, False),
])
def test_only_the_sites_own_origin_may_open_a_socket(origin, host, secure, expected):
    assert allowed(origin, host, secure) is expected


def test_trusted_origins_may_open_a_socket_too():
    assert allowed("https://app.example.mx", trusted=["https://app.example.mx"]) is True
    assert allowed("https://app.example.mx:8443", trusted=["https://app.example.mx"]) is False


def test_frames_are_small_objects_of_a_known_type():
    assert frame_type('{"type": "viewing"}', None, {"viewing"}) == "viewing"
    bad = [
        (None, b"{}"), ("hola", None), ('{"type": "typing"}', None), ('["viewing"]', None),
        ('{"type": {"type": "viewing"}}', None), ('{"type": ["viewing"]}', None), ('{"type": 1}', None),
        ('{"type": "viewing", "x": "' + "a" * MAX_FRAME_CHARS + '"}', None), ("[" * 1000 + "]" * 1000, None),
        ('{"type": "viewing\\u0000"}', None),
    ]
    for text, data in bad:
        with pytest.raises(BadValue):
            frame_type(text, data, {"viewing"})


def _scope(origin: str, *, proto: str | None = None, scheme: str = "ws") -> dict:
    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if proto:
        headers.append((b"x-forwarded-proto", proto.encode()))
    return {"type": "websocket", "scheme": scheme, "headers": headers}


def test_behind_a_tls_proxy_the_forwarded_scheme_counts_only_when_trusted(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    assert SameOriginValidator.allows(_scope("https://testserver", proto="https")) is False
    assert SameOriginValidator.allows(_scope("https://testserver", scheme="wss")) is True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert SameOriginValidator.allows(_scope("https://testserver", proto="https")) is True
    assert SameOriginValidator.allows(_scope("http://testserver", proto="https")) is False
    assert SameOriginValidator.allows(_scope("http://testserver")) is True
