"""Fetch axe-core from the npm registry for the browser tests' accessibility checks.

Downloads the pinned tarball, checks it against the registry's `dist.integrity` (sha512), and
extracts `package/axe.min.js` to `.cache/axe-core/<version>/axe.min.js`. Standard library only,
so it runs before the virtual environment exists. Does nothing when the file is already there.

    python scripts/fetch_axe.py          # exit 1, with a message, when offline or tampered with

To move to another version, take `dist.tarball` and `dist.integrity` from
https://registry.npmjs.org/axe-core/<version> and change the three constants below.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "4.10.3"
TARBALL_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = (
    "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
)
MEMBER = "package/axe.min.js"

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / ".cache" / "axe-core" / VERSION / "axe.min.js"


class FetchError(Exception):
    pass


def _check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise FetchError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise FetchError(f"integrity mismatch for {TARBALL_URL}: got sha512-{actual}")


def _download(url: str, timeout: float = 30) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "atiende-fetch-axe"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except OSError as exc:  # URLError, timeouts and connection errors are all OSErrors
        raise FetchError(f"could not download {url}: {exc}") from exc


def _extract(tarball: bytes) -> bytes:
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.getmember(MEMBER)
            handle = archive.extractfile(member) if member.isfile() else None
            if handle is None:
                raise FetchError(f"{MEMBER} in the tarball is not a regular file")
            return handle.read()
    except (tarfile.TarError, KeyError) as exc:
        raise FetchError(f"could not read {MEMBER} from the tarball: {exc}") from exc


def fetch(target: Path = TARGET) -> Path:
    """Return the path of axe.min.js, downloading and verifying it first when missing."""
    if target.is_file() and target.stat().st_size > 0:
        return target
    tarball = _download(TARBALL_URL)
    _check_integrity(tarball, INTEGRITY)
    script = _extract(tarball)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so an interrupted run never leaves half a file.
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".axe-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(script)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def main() -> int:
    try:
        path = fetch()
    except FetchError as exc:
        print(f"fetch_axe: {exc}", file=sys.stderr)
        return 1
    print(f"axe-core {VERSION}: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
