"""The `Message` tree the standard library's parser would build, found faster for plain MIME.

`BytesParser` reads every line of a message in Python: a 200 KB base64 attachment is 2,700
lines, about 5 ms. `split_message` finds the same part boundaries with `bytes.find`, hands each
header to the policy (`header_source_parse`, `set_raw`) as the feed parser does, and sets each
leaf's body exactly as the feed parser does (RFC 2046: the line break before a boundary belongs
to the boundary). It builds the tree only for messages whose structure the feed parser reads
without any decision of its own, and returns None (declines) for everything else, so the caller
uses `BytesParser`:

- a header block that does not end with a blank line, or holds a line that is not a header,
  a "From " line or a first line that is a continuation;
- a CR without LF in a header block, in a boundary line or just before one (the feed parser
  ends lines at a bare CR too; anywhere else, that changes nothing in the tree);
- `message/*` parts (enclosed messages, delivery reports), `multipart/digest`;
- a multipart without a usable boundary, without its first or its closing boundary, with
  an empty part (boundary lines twice in a row), or with a content-transfer-encoding other than
  7bit/8bit/binary;
- trees deeper or wider than real mail.

Those are exactly the places where the feed parser records a structural defect or treats the
text in a special way; headers and their defects come from the standard library itself.
`tests/test_mimesplit.py` checks that the tree equals `BytesParser`'s for every corpus message
and for generated hostile ones. Pure: no Django.
"""

from __future__ import annotations

import re
from email.message import Message
from email.policy import Policy

__all__ = ["split_message"]

MAX_DEPTH = 6
MAX_PARTS = 64
PLAIN_ENCODINGS = ("7bit", "8bit", "binary")
# The end of a header block: a line break, then an empty line.
BLANK_LINE = re.compile(rb"\n\r?\n")
# A header line's start, as the feed parser reads it: a name (printable ASCII but the colon,
# at least one character), then the colon.
HEADER_NAME = re.compile(r"[\041-\071\073-\176]+:")
# What may follow the separator on a boundary line (the feed parser's `boundaryre`, minus the
# line break): "--" for the closing boundary, then blanks.
BOUNDARY_TAIL = re.compile(rb"(--)?[ \t]*\r?")


class _Decline(Exception):
    """The feed parser would do something special here: let it parse the whole message."""


def split_message(source: bytes, policy: Policy) -> Message | None:
    """The tree `BytesParser(policy=policy).parsebytes(source)` returns, or None.

    Works on the bytes: BytesParser decodes them as ASCII with surrogate escapes, one character
    per byte, so every slice here decodes to the same slice of the parser's text.
    """
    try:
        return _Splitter(source, policy).part(0, len(source), depth=0, inner=False)
    except _Decline:
        return None


class _Splitter:
    def __init__(self, source: bytes, policy: Policy) -> None:
        self.source = source
        self.policy = policy
        self.factory = policy.message_factory or Message  # what the feed parser makes
        self.parts = 0

    def part(self, start: int, end: int, *, depth: int, inner: bool) -> Message:
        """The message, or the part of a multipart (`inner`), in source[start:end]."""
        self.parts += 1
        if depth > MAX_DEPTH or self.parts > MAX_PARTS:
            raise _Decline
        msg, body = self._headers(start, end)
        content_type = msg.get_content_type()
        if content_type.startswith("message/") or content_type == "multipart/digest":
            raise _Decline
        if content_type.partition("/")[0] == "multipart":  # get_content_maintype()
            self._multipart(msg, body, end, depth)
            if inner:  # the line break before the parent's next boundary belongs to it
                msg.epilogue = None if msg.epilogue == "" else _without_line_break(msg.epilogue)
        else:
            payload = _text(self.source[body:end])
            msg.set_payload(_without_line_break(payload) if inner else payload)
        return msg

    def _headers(self, start: int, end: int) -> tuple[Message, int]:
        """The part's headers, and where its body starts.

        Each header goes through the policy's `header_source_parse` and `set_raw`, as the feed
        parser's `_parse_headers` does; the lines that make it note a defect or decide something
        (a first line that is a continuation, "From " lines, a line that is not a header, a
        name missing before the colon, a bare CR) decline instead.
        """
        source = self.source
        if source.startswith((b"\n", b"\r\n"), start, end):
            block_end = start
        else:
            blank = BLANK_LINE.search(source, start, end)
            if blank is None:
                raise _Decline  # headers up to the end: rare, left to the feed parser
            block_end = blank.start() + 1
        body = block_end + (1 if source[block_end] == 10 else 2)
        block = source[start:block_end]
        if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
            raise _Decline
        msg = self.factory(policy=self.policy)
        header: list[str] = []
        for line in _text(block).split("\n")[:-1]:
            line += "\n"
            if line[0] in " \t" and header:
                header.append(line)
                continue
            if HEADER_NAME.match(line) is None:
                raise _Decline
            if header:
                msg.set_raw(*self.policy.header_source_parse(header))
            header = [line]
        if header:
            msg.set_raw(*self.policy.header_source_parse(header))
        return msg, body

    def _multipart(self, msg: Message, start: int, end: int, depth: int) -> None:
        boundary = msg.get_boundary()
        if not boundary or "\n" in boundary or "\r" in boundary:
            raise _Decline
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in PLAIN_ENCODINGS:
            raise _Decline
        try:
            separator = ("--" + boundary).encode("ascii", errors="surrogateescape")
        except UnicodeEncodeError:
            raise _Decline from None  # no line can match it
        if self.source.find(b"\r" + separator, start, end) >= 0:
            raise _Decline  # a bare CR ends a line for the parser: a boundary line may follow
        lines = self._boundary_lines(separator, start, end)
        if not lines or lines[0][2]:
            raise _Decline  # no first boundary, or the closing one first
        first = lines[0][0]
        if first > start:  # RFC 2046: the line break before a boundary belongs to it
            msg.preamble = _without_line_break(_text(self.source[start:first]))
        children: list[Message] = []
        closed_at = None
        for (_line, after, _closing), (next_line, next_after, closing) in zip(lines, lines[1:], strict=False):
            children.append(self.part(after, next_line, depth=depth + 1, inner=True))
            if closing:
                closed_at = next_after
                break
        if closed_at is None:
            raise _Decline  # no closing boundary
        msg.set_payload(None)
        for child in children:
            msg.attach(child)
        msg.epilogue = _text(self.source[closed_at:end])

    def _boundary_lines(self, separator: bytes, start: int, end: int) -> list[tuple[int, int, bool]]:
        """(start, end after its line break, closing?) of each boundary line in source[start:end],
        up to the first closing one."""
        source = self.source
        found = []
        at = start if source.startswith(separator, start, end) else self._next_line_with(separator, start, end)
        while at >= 0:
            line_end = source.find(b"\n", at, end)
            after = end if line_end < 0 else line_end + 1
            bare_cr = source.find(b"\r", at, after)
            if 0 <= bare_cr < after - 2:
                raise _Decline  # the parser would end this line at the CR
            tail = BOUNDARY_TAIL.fullmatch(source, at + len(separator), after if line_end < 0 else line_end)
            if tail is not None:
                closing = tail.group(1) is not None
                found.append((at, after, closing))
                if closing:
                    break
            at = self._next_line_with(separator, after - 1, end) if line_end >= 0 else -1
        return found

    def _next_line_with(self, separator: bytes, start: int, end: int) -> int:
        at = self.source.find(b"\n" + separator, start, end)
        return at + 1 if at >= 0 else -1


def _text(data: bytes) -> str:
    return data.decode("ascii", errors="surrogateescape")  # as BytesParser does


def _without_line_break(value: str) -> str:
    if value.endswith("\r\n"):
        return value[:-2]
    if value.endswith(("\n", "\r")):
        return value[:-1]
    return value
