"""Separating what a customer wrote from the quoted history and signature below it.

Works on plain text (HTML-only mail is converted first, with quotes as "> " lines). Spanish
and English clients: Gmail and Apple Mail attributions ("El … escribió:", "On … wrote:"),
Outlook header blocks ("De: … Enviado: … Para: … Asunto:"), "-----Mensaje original-----",
"> " quotes, the "-- " signature delimiter and "Enviado desde mi iPhone" lines.
"""

from __future__ import annotations

import re

ATTRIBUTION_START = re.compile(r"(?i)^\s*(?:el|on|le|em|am)\b")
ATTRIBUTION_END = re.compile(r"(?i)(?:escribi[óo]|wrote|a [ée]crit|escreveu|schrieb)\s*:\s*$")
DATE_OR_ADDRESS = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|@")
MAX_ATTRIBUTION_LINES = 3  # Gmail wraps a long attribution over two or three lines
MAX_ATTRIBUTION_LENGTH = 400
ORIGINAL_MESSAGE = re.compile(
    r"(?i)^\s*-{2,}\s*(?:original message|mensaje original|message d'origine"
    r"|urspr[üu]ngliche nachricht)\s*-{2,}\s*$"
)
HEADER_FROM = re.compile(r"(?i)^\s*\*?(?:de|from|von)\s*:\*?\s*\S")
HEADER_LABEL = re.compile(
    r"(?i)^\s*\*?(?:de|from|von|enviado(?: el)?|sent|fecha|date|para|to|asunto|subject|cc"
    r"|gesendet|an|betreff|envoy[ée]|[àa]|objet)\s*:"
)
HEADER_WINDOW = 7  # lines in which a quoted header block shows its From and two more fields
SEPARATOR = re.compile(r"^\s*[_-]{8,}\s*$")
SIGNATURE = re.compile(r"^--\s?$")
MOBILE_SIGNATURE = re.compile(
    r"(?i)^\s*(?:enviado desde|sent from|enviado con|sent with|sent via|enviado a trav[ée]s de"
    r"|obtener outlook para|get outlook for|descargar outlook para)\b.{0,50}$"
)


def split_reply(text: str) -> tuple[str, str]:
    """(the new part, the quoted history and signature). Both stripped.

    An answer written below the quote (bottom-posting) is found too. When nothing new would
    remain (a message that is only a quote or only a signature), the whole text is the new
    part and the rest is empty.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    begin = _bottom_posted_start(lines)
    if begin is not None:
        end = _signature_start(lines, begin, len(lines))
        reply = _join(lines[begin:end])
        rest = _join(lines[:begin] + lines[end:])
    else:
        end = _signature_start(lines, 0, _history_start(lines))
        reply, rest = _join(lines[:end]), _join(lines[end:])
    if not reply:
        return text.strip(), ""
    return reply, rest


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _history_start(lines: list[str]) -> int:
    # A quote only ends the new text when nothing but quotes follows it: interleaved answers
    # (quote, answer, quote) are all new text.
    unquoted = (i for i, line in enumerate(lines) if line.strip() and not _is_quote(line))
    last_unquoted = max(unquoted, default=-1)
    for index, line in enumerate(lines):
        if ORIGINAL_MESSAGE.match(line) or _attribution_length(lines, index):
            return index
        if _is_header_block(lines, index):
            return _with_separator(lines, index)
        if _is_quote(line) and index > last_unquoted:
            return index
    return len(lines)


def _bottom_posted_start(lines: list[str]) -> int | None:
    """Where the new text starts when the message opens with the quote, else None."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    index = first + _attribution_length(lines, first)
    if index == first and not _is_quote(lines[first]):
        return None
    while index < len(lines) and (not lines[index].strip() or _is_quote(lines[index])):
        index += 1
    tail = [line for line in lines[index:] if line.strip()]
    if not tail or any(_is_quote(line) for line in tail):
        return None  # nothing below the quote, or answers interleaved with it
    return index


def _attribution_length(lines: list[str], index: int) -> int:
    """How many lines the attribution starting at `index` takes ("El … escribió:"), or 0."""
    joined = ""
    for offset in range(MAX_ATTRIBUTION_LINES):
        if index + offset >= len(lines) or not lines[index + offset].strip():
            return 0
        joined = f"{joined} {lines[index + offset].strip()}".strip()
        if len(joined) > MAX_ATTRIBUTION_LENGTH:
            return 0
        # A date or an address: "El cliente me escribió:" is a sentence, not an attribution.
        dated = bool(re.search(r"\d|@", joined))
        if ATTRIBUTION_END.search(joined):
            known_start = bool(ATTRIBUTION_START.match(joined)) or "@" in joined
            return offset + 1 if dated and known_start else 0
        if dated and joined.endswith(":") and _quote_follows(lines, index + offset + 1):
            return offset + 1  # other languages' "… wrote:" right above a quote
        if offset == 0 and not (ATTRIBUTION_START.match(joined) or DATE_OR_ADDRESS.search(joined)):
            return 0  # only what starts like an attribution may continue on the next line
    return 0


def _quote_follows(lines: list[str], index: int) -> bool:
    following = next((line for line in lines[index:] if line.strip()), "")
    return _is_quote(following)


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _is_header_block(lines: list[str], index: int) -> bool:
    """Outlook's "De: … Enviado: … Para: … Asunto: …" (Hotmail starts with "Date:")."""
    if not HEADER_LABEL.match(lines[index]):
        return False
    window = lines[index:index + HEADER_WINDOW]
    labels = sum(1 for line in window if HEADER_LABEL.match(line))
    return labels >= 3 and any(HEADER_FROM.match(line) for line in window)


def _with_separator(lines: list[str], index: int) -> int:
    # Outlook draws a line of underscores above its header block: it belongs to the history.
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    return previous if previous >= 0 and SEPARATOR.match(lines[previous]) else index


def _signature_start(lines: list[str], begin: int, end: int) -> int:
    """Where a signature starts within lines[begin:end], or `end`."""
    for index in range(begin, end):
        if SIGNATURE.match(lines[index]):
            return index
    last = end - 1
    while last >= begin and not lines[last].strip():
        last -= 1
    if last >= begin and MOBILE_SIGNATURE.match(lines[last]):
        return last
    return end
