"""The reply checker's findings as the composer shows them: the words they point at, and how a
suggestion is applied (replace those words, put a greeting first, add a closing at the end)."""

from __future__ import annotations

from dataclasses import dataclass

from atiende.replycheck.rules import Finding

APPLY = {"no_greeting": "prepend", "no_closing": "append"}
WHOLE_REPLY = {"no_next_step", "unanswered_question"}


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    quote: str
    apply: str
    needs_confirmation: bool


def finding_rows(text: str, findings: list[Finding], confirm: list[str]) -> list[FindingRow]:
    rows = []
    for finding in findings:
        whole = finding.code in WHOLE_REPLY or (finding.start == 0 and finding.end == len(text) and len(text) > 80)
        quote = "" if whole else text[finding.start:finding.end]
        rows.append(FindingRow(finding, quote[:80], APPLY.get(finding.code, "replace"), finding.code in confirm))
    return rows
