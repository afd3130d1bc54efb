"""mypy over atiende/ (django-stubs, DRF stubs; config in pyproject.toml) on a baseline that only
shrinks: mypy-baseline.txt holds the current errors as counts per file and error code. A run fails
when any file has more errors of a code than its baseline (a new error), and prints what shrank;
`--update` rewrites the baseline to the current counts once errors are fixed (it refuses to grow
it unless `--allow-growth` is given, for a stubs upgrade that finds old errors).

    .venv/bin/python scripts/mypy_baseline.py            # check (scripts/test.sh runs this)
    .venv/bin/python scripts/mypy_baseline.py --update   # after fixing errors
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: .*\[(?P<code>[a-z0-9-]+)\]$")
HEADER = "# mypy errors per file and error code; may only shrink (scripts/mypy_baseline.py).\n"


def run_mypy() -> tuple[Counter, str]:
    done = subprocess.run([sys.executable, "-m", "mypy", "atiende"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 2: mypy itself failed (a config error, a crash)
        raise SystemExit(f"mypy did not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return parse(done.stdout), done.stdout


def parse(output: str) -> Counter:
    counts: Counter = Counter()
    for line in output.splitlines():
        match = ERROR.match(line.strip())
        if match:
            counts[(match["path"], match["code"])] += 1
    return counts


def read_baseline() -> Counter:
    counts: Counter = Counter()
    if BASELINE.exists():
        for line in BASELINE.read_text().splitlines():
            if line and not line.startswith("#"):
                path, code, count = line.split()
                counts[(path, code)] = int(count)
    return counts


def write_baseline(counts: Counter) -> None:
    lines = [f"{path} {code} {count}\n" for (path, code), count in sorted(counts.items()) if count]
    BASELINE.write_text(HEADER + "".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--allow-growth", action="store_true")
    options = parser.parse_args()
    current, output = run_mypy()
    baseline = read_baseline()
    grown = {key: (baseline[key], count) for key, count in current.items() if count > baseline[key]}
    shrunk = {key: (count, current[key]) for key, count in baseline.items() if current[key] < count}
    total, before = sum(current.values()), sum(baseline.values())
    if options.update:
        if grown and BASELINE.exists() and not options.allow_growth:
            print("The baseline only shrinks; these grew (fix them, or pass --allow-growth):", file=sys.stderr)
            _show(grown)
            return 1
        write_baseline(current)
        print(f"mypy baseline: {before} -> {total} errors")
        return 0
    if shrunk:
        print(f"mypy: {before - sum(b - c for b, c in shrunk.values())} errors, {sum(b - c for b, c in shrunk.values())} "
              "fewer than the baseline; run scripts/mypy_baseline.py --update to lock the gain in:")
        _show(shrunk)
    if grown:
        print("mypy: new errors (the baseline only shrinks):", file=sys.stderr)
        _show(grown)
        for line in output.splitlines():
            match = ERROR.match(line.strip())
            if match and (match["path"], match["code"]) in grown:
                print(f"  {line}", file=sys.stderr)
        return 1
    print(f"mypy: {total} errors, none new (baseline {before})")
    return 0


def _show(changes: dict) -> None:
    for (path, code), (was, now) in sorted(changes.items()):
        print(f"  {path} [{code}]: {was} -> {now}")


if __name__ == "__main__":
    raise SystemExit(main())
