"""Compile every locale/*/LC_MESSAGES/django.po to .mo with Babel (pure Python).

Django's compilemessages needs GNU gettext's msgfmt, which a fresh machine may lack; `make`
uses this instead so Python 3.11 and make are all a newcomer needs.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    compiled = 0
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        errors = [(message.id, error) for message, errors in catalog.check() for error in errors]
        if errors:
            print(f"{po_path}: {errors[:3]}", file=sys.stderr)
            return 1
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        compiled += 1
    return 0 if compiled else 1


if __name__ == "__main__":
    sys.exit(main())
