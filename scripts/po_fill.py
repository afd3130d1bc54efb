"""Fill es_MX translations from a Python file defining `T = {msgid or (context, msgid): msgstr}`
(plurals: `(singular, plural): (form_1, form_2)`).

`po_fill.py TRANSLATIONS.py [PO_FILE]`: sets each entry, clears its fuzzy flag, and lists the
entries still untranslated or fuzzy. Handles message contexts, which po_set.py does not.
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

PO = "locale/es_MX/LC_MESSAGES/django.po"


def main() -> None:
    translations = runpy.run_path(sys.argv[1])["T"]
    path = sys.argv[2] if len(sys.argv) > 2 else PO
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for key, text in translations.items():
        if isinstance(key, tuple) and isinstance(text, tuple):  # a plural: (singular, plural) -> forms
            context, msgid = None, key[0]
        else:
            context, msgid = key if isinstance(key, tuple) else (None, key)
        message = catalog.get(msgid, context=context)
        if message is None:
            print(f"not in catalogue: {key!r}")
            continue
        message.string = text
        message.flags.discard("fuzzy")
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=79, omit_header=False)
    print(f"{len(missing)} entries still to translate:", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
