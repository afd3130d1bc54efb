"""The HTTP client webhooks post with, safe against server-side request forgery (no database).

An administrator types the URL, so it may name anything our servers can reach: the cloud's
metadata service, the database, an admin panel on localhost. The rule is applied to the address
we actually connect to, at connection time:

- only http and https, no credentials in the URL;
- the host is resolved here (`Resolver`), every address it resolves to is checked, and the socket
  is opened to that checked address: there is no second lookup for a rebinding DNS server to
  answer differently. Host header, TLS SNI and certificate check keep the hostname;
- refused: loopback, private, shared (CGNAT), link-local, multicast, unspecified, reserved and
  documentation ranges, the IPv4 forms embedded in IPv6 (mapped, 6to4, Teredo, NAT64), and cloud
  metadata addresses; `WEBHOOK_ALLOW_PRIVATE_NETWORKS` lets loopback and private ranges through
  (self-hosted receivers, tests), never link-local or metadata;
- redirects are never followed (a 3xx is a failed attempt, its Location noted);
- connect and each read are bounded (WEBHOOK_TIMEOUT_SECONDS), so is the whole attempt, and at
  most WEBHOOK_MAX_RESPONSE_BYTES of the answer are read.

httpcore (under httpx, already a dependency) is used directly: it follows no redirects, reads no
proxy from the environment (a proxy would connect for us, unchecked), and takes the network
backend that does the check. See docs/decisions/0023-outbound-webhooks.md.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses to try, as text ("203.0.113.7", "2001:db8::1").
Resolver = Callable[[str, int], list[str]]

# Metadata services: AWS, GCP, Azure, OpenStack, Oracle (169.254.169.254), AWS over IPv6, Alibaba.
METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))
# What WEBHOOK_ALLOW_PRIVATE_NETWORKS lets through: RFC 1918, carrier-grade NAT, unique local IPv6.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class Refused(Exception):  # noqa: N818 - a verdict, as Django's ValidationError
    """The address may not be contacted; str() is the translated reason."""


def address_problem(address: Address, *, allow_private: bool) -> str:
    """Why an address is refused, or ""."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_problem(embedded, allow_private=allow_private)
    if address in METADATA:
        return _("%(address)s is a cloud metadata address.") % {"address": address}
    if address.is_link_local:
        return _("%(address)s is a link-local address.") % {"address": address}
    if address.is_multicast or address.is_unspecified:
        return _("%(address)s is not an address a receiver can have.") % {"address": address}
    if address.is_loopback or any(address in network for network in PRIVATE_NETWORKS):
        return "" if allow_private else _("%(address)s is on a private network.") % {"address": address}
    if address.is_reserved or not address.is_global:  # documentation, benchmarking, "this network"…
        return _("%(address)s is not an address a receiver can have.") % {"address": address}
    return ""


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    assert isinstance(address, ipaddress.IPv6Address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def url_problem(url: str, *, allow_private: bool) -> str:
    """Why a URL is refused before any lookup (scheme, shape, a literal address or a local name),
    or "". Names are checked again, resolved, at every connection."""
    try:
        parts = urlsplit(url)
        port = parts.port
        parsed = httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return _("Not a valid address.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Give an http:// or https:// address.")
    if parts.username or parts.password:
        return _("The address may not carry credentials; the secret signs each delivery.")
    if port == 0:
        return _("Not a valid address.")
    host = parsed.host.rstrip(".").lower()
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if (host in LOCAL_NAMES or host.endswith(".localhost")) and not allow_private:
            return _("%(host)s is this server.") % {"host": host}
        return ""
    return address_problem(literal, allow_private=allow_private)


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (getaddrinfo), every address it gives, in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(_("%(host)s does not resolve.") % {"host": host}) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks every address, then connects to a checked address (never the name)."""

    def __init__(self, *, resolver: Resolver, allow_private: bool) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, resolver=self.resolver, allow_private=self.allow_private)
        failure: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(str(address), port, timeout=timeout, local_address=local_address,
                                              socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        raise Refused(_("Not a valid address."))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def checked_addresses(host: str, port: int, *, resolver: Resolver, allow_private: bool) -> list[Address]:
    """The addresses `host` resolves to, all allowed, or Refused: one bad answer refuses the lot
    (a name that mixes a public and a private address is not a receiver we post to)."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        texts = resolver(host, port)
    else:
        texts = [str(literal)]
    addresses = []
    for text in texts:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError as exc:
            raise Refused(_("%(host)s does not resolve.") % {"host": host}) from exc
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            raise Refused(problem)
        addresses.append(address)
    if not addresses:
        raise Refused(_("%(host)s does not resolve.") % {"host": host})
    return addresses


@dataclass
class Answer:
    """What one POST came to: a status code, an error, or both (a redirect: its status, not followed)."""

    status_code: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


LOG_BODY_CHARS = 2000


class WebhookClient:
    """Posts to receivers over a pool of kept-alive connections (thread-safe; one per process)."""

    def __init__(self, *, allow_private: bool, timeout: float, max_response_bytes: int,
                 resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.pool = httpcore.ConnectionPool(
            max_connections=50, max_keepalive_connections=20, keepalive_expiry=30.0, retries=0,
            network_backend=GuardedBackend(resolver=resolver or system_resolver, allow_private=allow_private),
        )

    def post(self, url: str, *, body: bytes, headers: list[tuple[str, str]]) -> Answer:
        started = time.monotonic()
        try:
            status, text, location = self._post(url, body, headers, deadline=started + self.timeout)
        except Refused as exc:
            return Answer(None, "", str(exc), _elapsed(started))
        except httpcore.TimeoutException:
            return Answer(None, "", _("No answer within %(seconds)s seconds.") % {"seconds": _seconds(self.timeout)},
                          _elapsed(started))
        except (httpcore.ConnectError, OSError) as exc:
            return Answer(None, "", _("Could not connect: %(error)s") % {"error": _first_line(exc)}, _elapsed(started))
        except httpcore.ProtocolError as exc:
            return Answer(None, "", _("The receiver did not answer in HTTP: %(error)s") % {"error": _first_line(exc)},
                          _elapsed(started))
        except httpcore.NetworkError as exc:
            return Answer(None, "", _("The connection failed: %(error)s") % {"error": _first_line(exc)},
                          _elapsed(started))
        if 300 <= status < 400:  # never followed: the next hop would be an unchecked request
            error = (_("Redirects are not followed (to %(location)s).") % {"location": location[:500]} if location
                     else _("Redirects are not followed."))
            return Answer(status, text, error, _elapsed(started))
        return Answer(status, text, "", _elapsed(started))

    def _post(self, url: str, body: bytes, headers: list[tuple[str, str]], *,
              deadline: float) -> tuple[int, str, str]:
        problem = url_problem(url, allow_private=self.allow_private)
        if problem:
            raise Refused(problem)
        parsed = httpx.URL(url)
        target = httpcore.URL(scheme=parsed.raw_scheme, host=parsed.raw_host, port=parsed.port,
                              target=parsed.raw_path)
        timeouts = {"connect": self.timeout, "read": self.timeout, "write": self.timeout, "pool": self.timeout}
        received = bytearray()
        with self.pool.stream("POST", target, headers=headers, content=body, extensions={"timeout": timeouts}) as response:
            for chunk in response.iter_stream():
                received += chunk
                if len(received) >= self.max_response_bytes:
                    break  # the rest is not read; the connection is closed rather than reused
                if time.monotonic() > deadline:
                    raise httpcore.ReadTimeout("deadline")
            status = response.status
            location = _header(response.headers, b"location")
        text = bytes(received[:LOG_BODY_CHARS * 4]).decode("utf-8", "replace")[:LOG_BODY_CHARS]
        return status, text, location

    def close(self) -> None:
        self.pool.close()


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _elapsed(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))


def _seconds(value: float) -> str:
    return f"{value:g}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


_clients: dict[tuple, WebhookClient] = {}
_clients_lock = threading.Lock()


def shared_client(*, allow_private: bool, timeout: float, max_response_bytes: int) -> WebhookClient:
    """The process's client for these settings (its pool keeps connections to receivers alive)."""
    key = (allow_private, timeout, max_response_bytes)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = WebhookClient(allow_private=allow_private, timeout=timeout,
                                                   max_response_bytes=max_response_bytes)
        return client
