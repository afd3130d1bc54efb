"""Rebuild security/advisories.json, the advisory snapshot scripts/audit_lock.py checks uv.lock
against (docs/decisions/0051-lock-file-audit.md).

The source is a git clone (bare or not) of the Python Packaging Advisory Database: OSV records in
YAML under `vulns/<package>/PYSEC-*.yaml`. Only the packages named in uv.lock are kept, and of each
advisory only what the audit reads, so the snapshot stays small enough to commit and review.

    git clone --depth 1 https://github.com/pypa/advisory-database /tmp/advisory-database
    .venv/bin/python scripts/advisories_refresh.py /tmp/advisory-database
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from audit_lock import (  # scripts/ is on sys.path when this runs: the audit's own rules
    COMPARABLE,
    affected_by_ranges,
    as_version,
    locked_packages,
    normalize,
)

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "security" / "advisories.json"
LOCK = ROOT / "uv.lock"


def locked_names(lock: Path) -> set[str]:
    return {name for name, _ in locked_packages(lock.read_text(encoding="utf-8"))}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                          check=True).stdout


def read_records(repo: Path, wanted: set[str]) -> list[dict]:
    """The YAML records of the wanted packages' folders, read from the commit, not a work tree."""
    folders = git(repo, "ls-tree", "--name-only", "HEAD", "vulns/").decode().split()
    paths: list[str] = []
    for folder in folders:
        if normalize(folder.removeprefix("vulns/")) in wanted:
            listed = git(repo, "ls-tree", "-r", "--name-only", "HEAD", folder + "/").decode()
            paths += [p for p in listed.split() if p.endswith(".yaml")]
    if not paths:
        return []
    # One `git cat-file --batch` reads them all, rather than a git process per file.
    out = git(repo, "cat-file", "--batch", stdin="".join(f"HEAD:{p}\n" for p in paths).encode())
    records, at = [], 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        # BaseLoader reads every scalar as text: an unquoted `1.10` stays 1.10, never the float 1.1.
        records.append(yaml.load(out[header_end + 1:header_end + 1 + size], Loader=yaml.BaseLoader))
        at = header_end + 1 + size + 1  # the body ends with a newline of its own
    return records


def compact(record: dict, wanted: set[str]) -> list[tuple[str, dict]]:
    """(package, entry) for each locked PyPI package the record affects, with only what the audit
    reads. Listed versions the ranges already cover are dropped: the records enumerate every
    release inside their ranges, which doubles the file and tells the audit nothing more."""
    text = record.get("summary") or (record.get("details") or "").strip()
    entries = []
    for affected in record.get("affected", []):
        package = affected.get("package", {})
        name = normalize(package.get("name", ""))
        if package.get("ecosystem") != "PyPI" or name not in wanted:
            continue
        ranges = [{"type": r["type"], "events": r["events"]} for r in affected.get("ranges", [])
                  if r.get("type") in COMPARABLE]
        for bound in (b for r in ranges for e in r["events"] for b in e.values()):
            if as_version(bound) is None:  # the audit skips it: say so rather than lose it quietly
                print(f"warning: {record['id']} ({name}): range bound {bound!r} is not a PEP 440 "
                      "version and is left out of the comparison", file=sys.stderr)
        versions = [v for v in affected.get("versions", [])
                    if not ((parsed := as_version(v)) and affected_by_ranges(parsed, ranges))]
        if not ranges and not affected.get("versions"):
            print(f"warning: {record['id']} ({name}) names no versions, only commits: the audit "
                  "cannot judge it from a lock file; read it", file=sys.stderr)
        entries.append((name, {
            "id": record["id"],
            "aliases": sorted(record.get("aliases", [])),
            "summary": text.splitlines()[0][:200] if text else "",
            "ranges": ranges,
            "versions": versions,
        }))
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("database", type=Path, help="a git clone of pypa/advisory-database")
    parser.add_argument("--source", default="https://github.com/pypa/advisory-database",
                        help="where the clone came from, recorded in the snapshot")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--output", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)

    wanted = locked_names(args.lock)
    commit, date = git(args.database, "log", "-1", "--format=%H %cI").decode().split()
    packages: dict[str, list[dict]] = {name: [] for name in sorted(wanted)}
    for record in read_records(args.database, wanted):
        if record.get("withdrawn"):
            continue
        for name, entry in compact(record, wanted):
            packages[name].append(entry)
    for entries in packages.values():
        entries.sort(key=lambda e: e["id"])

    snapshot = {
        "source": {"repository": args.source, "commit": commit,
                   "date": datetime.fromisoformat(date).astimezone(UTC).date().isoformat()},
        # Every locked name is listed, advisories or not: the audit tells "no advisory known" from
        # "added to the lock after this snapshot was taken".
        "packages": packages,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    count = sum(len(e) for e in packages.values())
    print(f"{args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: "
          f"{count} advisories for {len(packages)} locked packages, "
          f"source {commit[:12]} of {snapshot['source']['date']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
