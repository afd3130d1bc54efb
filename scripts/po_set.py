"""Fill translations in a .po file: `po_set.py FILE MSGID MSGSTR [MSGID MSGSTR ...]`.

MSGID is the joined msgid (multi-line entries too). For plural entries give both forms in
MSGSTR separated by ` || `. Clears the fuzzy flag of the entries it fills.
"""

import sys


def joined(lines: list[str], key: str) -> str | None:
    out, inside = None, False
    for line in lines:
        if line.startswith(key + " "):
            out, inside = line[len(key) + 2 : -1], True
        elif inside and line.startswith('"'):
            out += line[1:-1]
        else:
            inside = False if not line.startswith('"') else inside
    return out


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    path, pairs = sys.argv[1], sys.argv[2:]
    wanted = dict(zip(pairs[::2], pairs[1::2], strict=True))
    blocks = open(path, encoding="utf-8").read().split("\n\n")
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        msgid = joined(lines, "msgid")
        if msgid is None or msgid not in wanted:
            continue
        keep = [line for line in lines if line.startswith("#") and "fuzzy" not in line]
        body = [line for line in lines if not line.startswith("#")]
        head = body[: next(n for n, line in enumerate(body) if line.startswith("msgstr"))]
        if joined(lines, "msgid_plural") is not None:
            one, many = wanted.pop(msgid).split(" || ")
            tail = [f"msgstr[0] {quote(one)}", f"msgstr[1] {quote(many)}"]
        else:
            tail = [f"msgstr {quote(wanted.pop(msgid))}"]
        blocks[i] = "\n".join(keep + head + tail)
    if wanted:
        sys.exit(f"not found: {list(wanted)}")
    open(path, "w", encoding="utf-8").write("\n\n".join(blocks))


if __name__ == "__main__":
    main()
