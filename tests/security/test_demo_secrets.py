"""An exposed demo is not an open door: no built-in SECRET_KEY (with a known key anyone can sign
a reply address and write as an agent, or sign a sign-in link), and DEBUG off unless asked for.

The embedded default (`make demo`, `atiende serve` with nothing set) is checked in a fresh Python
process with the real settings module, as it starts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from atiende.settings.env import secret_key_in

ROOT = Path(__file__).resolve().parents[2]
# The key every copy of atiende used when SECRET_KEY was not set, before this fix.
OLD_PUBLIC_KEY = "atiende-insecure-development-key-change-me"
SETTINGS_VARIABLES = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ATIENDE_ENV", "DJANGO_SETTINGS_MODULE", "REDIS_URL",
                      "ATIENDE_DATA_DIR"}


def run(code: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """`code` after django.setup() with the default settings, as `atiende demo` starts them."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE="atiende.settings.base", ATIENDE_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def printed(code: str, data_dir: Path, **env: str) -> str:
    result = run(code, data_dir, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_the_embedded_default_makes_a_private_random_key_and_keeps_it(tmp_path):
    first = printed(KEY, tmp_path / "var")
    again = printed(KEY, tmp_path / "var")
    elsewhere = printed(KEY, tmp_path / "other")

    key_file = tmp_path / "var" / "secret_key"
    assert first != OLD_PUBLIC_KEY and len(first) >= 50
    assert again == first  # reused: sessions and sent reply addresses survive a restart
    assert elsewhere != first
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_environment_secret_key_wins_over_the_key_file(tmp_path):
    printed(KEY, tmp_path)
    given = "k" * 50

    assert printed(KEY, tmp_path, SECRET_KEY=given) == given


def test_the_embedded_default_runs_with_debug_off(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"

    assert printed(code, tmp_path) == "False"
    assert printed(code, tmp_path, DEBUG="true") == "True"


def test_a_reply_address_signed_with_the_old_public_key_writes_as_nobody(tmp_path):
    """With the public key, anyone could mail soporte+<token>@ and be taken for agent 1."""
    payload = "t1-a1"
    key = hashlib.sha256(b"atiende.mail.reply-token:" + OLD_PUBLIC_KEY.encode()).digest()
    signature = base64.b32encode(hmac.new(key, payload.encode(), hashlib.sha256).digest()).decode().lower()[:13]
    code = f"from atiende.mail.tokens import read_token; print(read_token({payload + '-' + signature!r}))"

    assert printed(code, tmp_path) == "None"


def test_production_needs_an_explicit_key_and_makes_no_key_file(tmp_path):
    result = run(KEY, tmp_path, ATIENDE_ENV="production", DATABASE_URL="postgres://u@db.invalid/atiende",
                 REDIS_URL="redis://cache.invalid:6379/0")

    assert result.returncode != 0
    assert "SECRET_KEY is not set or shorter than 32 characters" in result.stderr
    assert not (tmp_path / "secret_key").exists()


# --- the key file ---------------------------------------------------------------------------------

def test_processes_starting_together_agree_on_one_key(tmp_path):
    keys: list[str] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        keys.append(secret_key_in(tmp_path))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no candidate left behind


def test_a_readable_key_file_is_made_private_again(tmp_path):
    key = secret_key_in(tmp_path)
    (tmp_path / "secret_key").chmod(0o644)

    assert secret_key_in(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_an_empty_key_file_is_refused_with_a_clear_message(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    (tmp_path / "secret_key").chmod(0o600)

    with pytest.raises(ImproperlyConfigured, match="holds no usable key .* delete it to make a new one, or set SECRET_KEY"):
        secret_key_in(tmp_path)
