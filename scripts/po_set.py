"""Fill msgstr for given msgids in a .po file: `po_set.py FILE 'msgid' 'msgstr' ...` (one-line ids)."""

import sys

path, pairs = sys.argv[1], sys.argv[2:]
text = open(path, encoding="utf-8").read()
for msgid, msgstr in zip(pairs[::2], pairs[1::2]):
    needle = f'msgid "{msgid}"\nmsgstr ""\n'
    if needle not in text:
        sys.exit(f"not found untranslated: {msgid}")
    text = text.replace(needle, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
text = text.replace("#, fuzzy\n", "")
open(path, "w", encoding="utf-8").write(text)
