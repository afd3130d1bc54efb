"""Reading settings from the environment: small, typed helpers with clear errors."""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class EmailConfig:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool


def parse_email_url(url: str) -> EmailConfig:
    """`smtp://user:pass@host:port` (plain), `smtp+tls://…` (STARTTLS), `smtps://…` (implicit TLS)."""
    parts = urlsplit(url)
    schemes = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:port, smtp+tls://… or smtps://…"
        )
    use_tls, use_ssl = schemes[parts.scheme]
    default_port = 465 if use_ssl else (587 if use_tls else 25)
    return EmailConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


def secret_key_in(directory: Path) -> str:
    """The key kept in `directory`/secret_key, made on first use: 50 random characters in a file
    only its owner may read (0600). Processes starting together agree on one key: each writes its
    own candidate under a private name and links it into place, and the first link wins."""
    path = directory / SECRET_KEY_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        candidate = directory / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_urlsafe(50) + "\n")
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            candidate.unlink(missing_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)  # a copy restored with looser permissions: others could read the key
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{path} holds no usable key (fewer than {MIN_SECRET_KEY_LENGTH} characters): delete it to make "
            "a new one, or set SECRET_KEY."
        )
    return key
