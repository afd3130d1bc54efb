"""Known vulnerabilities in uv.lock, checked against the advisory snapshot committed in
security/advisories.json (docs/decisions/0051-lock-file-audit.md). pip-audit would ask a
vulnerability service for each package; this network reaches none, so the advisories come along
in the repository and this check knows only what was published up to the snapshot's date.

    .venv/bin/python scripts/audit_lock.py     # scripts/test.sh and `make audit` run this

Fails (exit 1) on a locked version an advisory covers, on a locked package the snapshot does not
list (added after it was taken: refresh it), and on an entry of security/audit-ignore.toml past
its `until` date. Warns, without failing, when the snapshot is older than 90 days.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "uv.lock"
SNAPSHOT = ROOT / "security" / "advisories.json"
IGNORE = ROOT / "security" / "audit-ignore.toml"
STALE_AFTER_DAYS = 90
LOCAL_SOURCES = {"editable", "virtual", "directory", "path"}  # our own code, not a release
COMPARABLE = {"ECOSYSTEM", "SEMVER"}  # GIT ranges name commits, which a lock file does not carry
REFRESH = (
    "refresh it: git clone --depth 1 https://github.com/pypa/advisory-database /tmp/adb && "
    ".venv/bin/python scripts/advisories_refresh.py /tmp/adb"
)


def normalize(name: str) -> str:
    """PEP 503: `Django`, `typing_extensions` and `zope.interface` as the index spells them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def as_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def events_in_order(events: list[dict]) -> list[tuple[str, Version]]:
    pairs = []
    for event in events:
        for kind, bound in event.items():
            parsed = as_version(str(bound))
            if kind in ("introduced", "fixed", "last_affected") and parsed is not None:
                pairs.append((kind, parsed))
    return sorted(pairs, key=lambda pair: pair[1])


def affected_by_ranges(version: Version, ranges: list[dict]) -> bool:
    """OSV's rule: walk a range's events in version order; an `introduced` at or below the version
    opens it, a `fixed` at or below it or a `last_affected` below it closes it again."""
    for found in ranges:
        if found["type"] not in COMPARABLE:
            continue
        affected = False
        for kind, bound in events_in_order(found["events"]):
            if kind == "introduced" and version >= bound:
                affected = True
            elif (kind == "fixed" and version >= bound) or (kind == "last_affected" and version > bound):
                affected = False
        if affected:
            return True
    return False


def affects(version: Version, advisory: dict) -> bool:
    listed = {as_version(v) or v for v in advisory["versions"]}
    return version in listed or affected_by_ranges(version, advisory["ranges"])


def fixed_in(version: Version, advisory: dict) -> str:
    """The first fixed release above the locked one, which is what to upgrade to."""
    fixes = [bound for found in advisory["ranges"] if found["type"] in COMPARABLE
             for kind, bound in events_in_order(found["events"]) if kind == "fixed" and bound > version]
    return f"fixed in {min(fixes)}" if fixes else "no fixed release known"


@dataclass
class Finding:
    package: str
    version: str
    advisory: dict
    fix: str

    def names(self) -> set[str]:
        return {self.advisory["id"], *self.advisory["aliases"]}

    def __str__(self) -> str:
        aliases = ", ".join(self.advisory["aliases"])
        return (f"{self.package} {self.version}: {self.advisory['id']}"
                f"{f' ({aliases})' if aliases else ''}, {self.fix}\n    {self.advisory['summary']}")


def locked_packages(lock_text: str) -> list[tuple[str, str]]:
    packages = tomllib.loads(lock_text).get("package", [])
    return [(normalize(p["name"]), p["version"]) for p in packages
            if not LOCAL_SOURCES & set(p.get("source", {})) and "version" in p]


def find(locked: list[tuple[str, str]], snapshot: dict) -> tuple[list[Finding], list[str]]:
    """Findings, and the locked packages the snapshot does not cover."""
    findings, uncovered = [], []
    for name, text in locked:
        if name not in snapshot["packages"]:
            uncovered.append(name)
            continue
        version = Version(text)
        for advisory in snapshot["packages"][name]:
            if affects(version, advisory):
                findings.append(Finding(name, text, advisory, fixed_in(version, advisory)))
    return findings, uncovered


def read_ignores(path: Path) -> list[dict]:
    """security/audit-ignore.toml: [[ignore]] tables of id (or an alias), reason, until (a date)."""
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("ignore", [])
    for entry in entries:
        if not (entry.get("id") and str(entry.get("reason", "")).strip()
                and isinstance(entry.get("until"), date) and not isinstance(entry["until"], datetime)):
            raise SystemExit(f"{path.name}: every [[ignore]] needs id, reason and until "
                             f"(a date such as 2027-01-31); got {entry}")
    return entries


def audit(lock: Path, snapshot_path: Path, ignore_path: Path, today: date) -> int:
    snapshot = json.loads(snapshot_path.read_text(encoding="utf-8"))
    source = snapshot["source"]
    taken = date.fromisoformat(source["date"])
    locked = locked_packages(lock.read_text(encoding="utf-8"))
    print(f"advisories: {source['repository']} at {source['commit'][:12]} of {taken}, "
          f"{len(locked)} locked packages")
    age = (today - taken).days
    if age > STALE_AFTER_DAYS:
        print(f"warning: the snapshot is {age} days old and knows nothing published after {taken}; "
              f"{REFRESH}")

    findings, uncovered = find(locked, snapshot)
    failed = False
    for name in uncovered:
        failed = True
        print(f"NOT AUDITED {name}: not in the snapshot (added to uv.lock after it); {REFRESH}")

    ignores = read_ignores(ignore_path)
    for entry in ignores:
        if entry["until"] < today:
            failed = True
            print(f"EXPIRED IGNORE {entry['id']} (until {entry['until']}): look at it again, then "
                  f"renew it with a reason or remove it from {ignore_path.name}")
    active = {entry["id"]: entry for entry in ignores if entry["until"] >= today}
    used: set[str] = set()
    for finding in findings:
        hit = finding.names() & set(active)
        if hit:
            used |= hit
            entry = active[min(hit)]
            print(f"ignored {finding.package} {finding.version}: {finding.advisory['id']} until "
                  f"{entry['until']}: {entry['reason']}")
        else:
            failed = True
            print(f"VULNERABLE {finding}")
    for unused in sorted(set(active) - used):
        print(f"note: ignore {unused} matches nothing in uv.lock any more; remove it")

    open_count = sum(1 for f in findings if not f.names() & set(active))
    print(f"{open_count} known vulnerabilities in uv.lock" + (" (see above)" if failed else ""))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--advisories", type=Path, default=SNAPSHOT)
    parser.add_argument("--ignore", type=Path, default=IGNORE)
    args = parser.parse_args(argv)
    return audit(args.lock, args.advisories, args.ignore, datetime.now(UTC).date())


if __name__ == "__main__":
    sys.exit(main())
