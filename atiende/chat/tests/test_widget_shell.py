"""The widget's shell: small enough to load on every page of the company's site."""

from __future__ import annotations

import gzip
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static" / "chat"
BUDGET = 30 * 1024  # gzipped, before the visitor opens it


def test_the_shell_is_under_30_kb_gzipped():
    size = sum(len(gzip.compress((STATIC / name).read_bytes(), 9)) for name in ("widget.js", "widget.css"))
    assert size <= BUDGET, size


def test_the_shell_needs_no_inline_code_nor_eval():
    source = (STATIC / "widget.js").read_text()
    for forbidden in ("eval(", "new Function", "innerHTML", "document.write", "document.cookie"):
        assert forbidden not in source
