"""Cutting a long reply into the parts a messaging channel takes (Telegram, WhatsApp: 4,096)."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts a messaging channel takes whole: each at most `limit` UTF-16 units
    (Telegram's measure, and a safe one for WhatsApp's characters: an emoji counts two), cut at
    the last paragraph break, else line break, else space in the part, and inside a word only
    when one word alone is longer than that. Nothing is dropped but the whitespace at a cut."""
    parts, rest = [], text.strip()
    while rest:
        head = within(rest, limit)
        if len(head) == len(rest):
            parts.append(rest)
            break
        cut = next((at for sep in ("\n\n", "\n", " ") if (at := head.rfind(sep)) > 0), len(head))
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts


def within(text: str, limit: int) -> str:
    """The longest start of `text` of at most `limit` UTF-16 units."""
    units = 0
    for at, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:at]
    return text
