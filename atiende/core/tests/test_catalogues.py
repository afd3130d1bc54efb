"""The es-MX and English catalogues are complete: no empty or fuzzy translation."""

from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[3] / "locale"


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry after the header; joins multi-line strings."""
    result, msgid, msgstr, fuzzy, field = [], None, None, False, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, field = line[7:-1], "id"
        elif line.startswith("msgstr"):
            msgstr, field = line.split(" ", 1)[1][1:-1], "str"
        elif line.startswith('"') and field:
            if field == "id":
                msgid += line[1:-1]
            else:
                msgstr += line[1:-1]
        elif not line.strip():
            if msgid:
                result.append((msgid, msgstr or "", fuzzy))
            msgid, msgstr, fuzzy, field = None, None, False, None
    return result


@pytest.mark.parametrize("language", ["es_MX", "en"])
def test_catalogue_complete(language):
    found = entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(found) > 200
    assert [m for m, s, _ in found if not s] == []
    assert [m for m, _, f in found if f] == []
