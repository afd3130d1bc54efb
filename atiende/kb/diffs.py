"""What changed between two revisions, line by line (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context", "hunk"
    text: str


def diff_lines(before: str, after: str) -> list[DiffLine]:
    lines = []
    for raw in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2):
        if raw.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(raw[:1], "context")
        lines.append(DiffLine(kind, raw[1:] if kind != "hunk" else raw))
    return lines
