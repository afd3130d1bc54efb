"""Like po_fill.py, but only fills es_MX entries that are untranslated or fuzzy: it never
overwrites a translation (several translation files can be applied in any order).

    scripts/po_fill_missing.py TRANSLATIONS.py [MORE.py ...]   (each defines T = {msgid: msgstr})
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

PO = "locale/es_MX/LC_MESSAGES/django.po"


def _empty(message) -> bool:
    value = message.string
    return not value or (isinstance(value, tuple) and not all(value))


def main() -> None:
    translations: dict = {}
    for path in sys.argv[1:]:
        translations.update(runpy.run_path(path)["T"])
    with open(PO, "rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for key, text in translations.items():
        plural = isinstance(key, tuple) and isinstance(text, tuple)
        context, msgid = (None, key[0]) if plural else (key if isinstance(key, tuple) else (None, key))
        message = catalog.get(msgid, context=context)
        if message is not None and (_empty(message) or message.fuzzy):
            message.string = text
            message.flags.discard("fuzzy")
            filled += 1
    missing = [m.id for m in catalog if m.id and (m.fuzzy or _empty(m))]
    with open(PO, "wb") as handle:
        write_po(handle, catalog, width=79, omit_header=False)
    print(f"filled {filled}; {len(missing)} still to translate:", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
