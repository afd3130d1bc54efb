"""The dictionaries behind `spelling` and `all_caps`: per language, pyspellchecker's word list
(Spanish: lemmas; English: inflected forms) joined with wordfreq's frequent words (inflections and
everyday usage), plus Spanish inflection back to a lemma and a short list of Mexican usage the
lists lack. Loaded once per process (4–5 s and 130 MB for both languages, measured on a busy
2-core machine), then lookups are dictionary hits."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import fold

if TYPE_CHECKING:
    from spellchecker import SpellChecker

# Words frequent enough in wordfreq's web, subtitle and news counts to be everyday usage (zipf ≥ 3,
# one in a million words). Below it, only the spell-checking list vouches for a word: that is where
# the web's own misspellings ("haber"→"haver", "recieve") sit.
EVERYDAY = 1e-6
# English web text repeats its typos more ("teh" sits at zipf 3.0): there the bar is zipf 3.5.
FLOOR = {"es": EVERYDAY, "en": 3e-6}
# Mexican usage missing from both lists (the Academia's dictionary has them all as Mexicanisms).
MEXICAN = frozenset({
    "checar", "chamba", "chambear", "platicar", "padrísimo", "padre", "ahorita", "ahoritita", "orita",
    "órale", "ándale", "chido", "chida", "cuate", "mande", "camión", "celular", "computadora",
    "jalar", "apapachar", "pendiente", "porfa", "porfis", "checada", "chequeo",
})
# Hosting and email words Spanish writes in English; the lists' Spanish counts miss some of them.
LOANWORDS = frozenset({
    "webmail", "plugin", "plugins", "hosting", "backup", "backups", "login", "email", "emails", "mailbox",
    "dashboard", "firewall", "spam", "phishing", "router", "módem", "modem", "wifi", "online", "link", "links",
    "software", "hardware", "app", "apps", "web", "blog", "chat", "widget", "subdominio", "subdominios",
    "hostname", "cookies", "cookie", "malware", "antivirus", "captcha", "checkout", "landing", "tickets",
})
# Spanish inflections back to a lemma: (ending, replacements). Tried in order; the lemma must be in
# the spell-checking list.
VERB_AR = ["o", "as", "a", "amos", "áis", "an", "é", "aste", "ó", "asteis", "aron", "aba", "abas", "ábamos", "aban",
           "ado", "ada", "ados", "adas", "ando", "e", "es", "emos", "en", "ara", "aras", "áramos", "aran", "ase",
           "aré", "arás", "ará", "aremos", "arán", "aría", "arías", "aríamos", "arían", "ad"]
VERB_ER = ["o", "es", "e", "emos", "éis", "en", "í", "iste", "ió", "imos", "isteis", "ieron", "ía", "ías", "íamos",
           "ían", "ido", "ida", "idos", "idas", "iendo", "yendo", "a", "as", "amos", "an", "iera", "ieras", "iéramos",
           "ieran", "iese", "eré", "erás", "erá", "eremos", "erán", "ería", "erías", "eríamos", "erían",
           "iré", "irás", "irá", "iremos", "irán", "iría", "irías", "iríamos", "irían", "ís", "id", "ed"]
LETTERS = {"es": re.compile(r"[a-zñáéíóúü]+"), "en": re.compile(r"[a-z]+(?:'[a-z]+)?")}
CLITICS = ("selos", "selas", "sela", "selo", "nos", "los", "las", "les", "me", "te", "se", "lo", "la", "le")


@dataclass(frozen=True)
class Lexicon:
    spell: SpellChecker  # pyspellchecker, over its own list joined with wordfreq's everyday words
    reference: frozenset[str]  # the package's own list only: what a lemma must be in
    folded: dict[str, str]  # accent-free spelling → the most frequent accented form ("tambien" → "también")


@functools.lru_cache(maxsize=4)
def lexicon(language: str) -> Lexicon:
    """Built once per process and language; wordfreq's full table is read once and let go. The
    packages are imported here: wordfreq alone takes about a second to import, which every
    process that loads the URLs would otherwise pay."""
    from spellchecker import SpellChecker
    from wordfreq import get_frequency_dict, get_frequency_list

    spell = SpellChecker(language=language, distance=1, case_sensitive=False)
    extra = LOANWORDS | (MEXICAN if language == "es" else frozenset())
    reference = frozenset(spell.word_frequency.dictionary) | extra
    frequent: dict[str, int] = {}
    accented: dict[str, tuple[float, str]] = {}
    letters = LETTERS[language]
    # "small" lists nearly every word down to EVERYDAY (all but ~1 % at the edge): a fifth of "large" to read.
    for word, freq in get_frequency_dict(language, "small").items():
        if freq < EVERYDAY:
            break  # the table is in descending order
        if not letters.fullmatch(word):
            continue
        if freq >= FLOOR[language]:
            frequent[word] = max(1, int(freq * 1e9))
        key = fold(word)
        if key != word and (key not in accented or accented[key][0] < freq):
            accented[key] = (freq, word)
    spell.word_frequency.load_json(dict(spell.word_frequency.dictionary) | frequent)
    spell.word_frequency.load_words(extra)
    # wordfreq keeps every table it read in unbounded caches (tens of MB per language): what we
    # need is copied above, so let them go.
    get_frequency_dict.cache_clear()
    get_frequency_list.cache_clear()
    return Lexicon(spell, reference, {key: word for key, (_freq, word) in accented.items()})


def warm() -> None:
    """Load every language's dictionaries now (a server process, at start)."""
    for language in LETTERS:
        lexicon(language)


def checker(language: str) -> SpellChecker:
    return lexicon(language).spell


def _reference(language: str) -> frozenset[str]:
    return lexicon(language).reference


def _folded(language: str) -> dict[str, str]:
    return lexicon(language).folded


def frequency(language: str, word: str) -> float:
    return checker(language).word_frequency.dictionary.get(word.lower(), 0) / 1e9


def is_word(language: str, word: str) -> bool:
    lower = word.lower()
    if lower in checker(language).word_frequency.dictionary:
        return True
    if "-" in lower:  # "e-mail", "auto-renovación": each part a word
        return all(part and is_word(language, part) for part in lower.split("-"))
    return language == "es" and _spanish_lemma(lower) is not None


def is_reference_word(language: str, word: str) -> bool:
    """In the spell-checking list or inflected from it — not merely seen on the web ("dns")."""
    lower = word.lower()
    return lower in _reference(language) or (language == "es" and _spanish_lemma(lower) is not None)


def accent_fix(language: str, word: str) -> str | None:
    """The accented spelling when `word` lacks its accents ("pagina" → "página"), unless the
    unaccented spelling is a word of its own ("esta", "publico", "mas")."""
    lower = word.lower()
    if fold(lower) != lower:
        return None
    fixed = _folded(language).get(lower)
    if fixed is None or lower in _reference(language):
        return None
    seen = frequency(language, lower)
    if seen == 0 and lower.endswith(("o", "e")):
        return None  # known only as an inflection: "le indico", "actualice" are right as written
    if seen * 8 > frequency(language, fixed):
        return None  # both spellings common: two words ("termino"/"término")
    return fixed


def suggestions(language: str, word: str, limit: int = 3) -> list[str]:
    fixed = accent_fix(language, word)
    if fixed:
        return [_same_case(word, fixed)]
    spell = checker(language)
    lower = word.lower()
    found = spell.known(spell.edit_distance_1(lower)) | spell.known(spell.edit_distance_1(fold(lower)))
    ranked = sorted((w for w in found if w != lower), key=lambda w: (-spell.word_usage_frequency(w), w))
    return [_same_case(word, w) for w in ranked[:limit]]


def unknown(language: str, word: str) -> bool:
    return _unknown(language, word.lower())


@functools.lru_cache(maxsize=65536)
def _unknown(language: str, lower: str) -> bool:
    return not is_word(language, lower) or accent_fix(language, lower) is not None


def _spanish_lemma(word: str) -> str | None:
    reference = _reference("es")
    for form in _without_clitics(word):
        if form != word and (form in reference or form in checker("es").word_frequency.dictionary
                             or _everyday_verb(form)):
            return form  # "escribirnos" → "escribir", "síguela" → "sigue", "reiniciarlo" → "reiniciar"
        for lemma in _lemmas(form):
            if lemma in reference or (lemma.endswith(("ar", "er", "ir")) and _everyday_verb(lemma)):
                return lemma
    return None


def _everyday_verb(lemma: str) -> bool:
    """A verb newer than the lemma list ("reiniciar", "resetear") that everyday usage knows."""
    return checker("es").word_frequency.dictionary.get(lemma, 0) >= EVERYDAY * 1e9


def _without_clitics(word: str) -> Iterable[str]:
    yield word
    for clitic in CLITICS:
        if word.endswith(clitic) and len(word) > len(clitic) + 2:
            base = fold(word[: -len(clitic)])  # "revísalo" → "revisa"
            yield base
            for inner in CLITICS:
                if base.endswith(inner) and len(base) > len(inner) + 2:
                    yield base[: -len(inner)]  # "envíenoslo" → "envie"


def _lemmas(word: str) -> Iterable[str]:
    for ending, plain in (("itos", "os"), ("itas", "as"), ("ito", "o"), ("ita", "a")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            yield word[: -len(ending)] + plain  # diminutives: "candadito" → "candado", "ratito" → "rato"
    if word.endswith("ces"):
        yield word[:-3] + "z"
    if word.endswith("es"):
        yield word[:-2]
    if word.endswith("s"):
        yield word[:-1]
    for ending in VERB_AR:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            yield stem + "ar"
            if stem.endswith("qu"):
                yield stem[:-2] + "car"  # "chequé" → "checar"
            if stem.endswith("gu"):
                yield stem[:-2] + "gar"
            if stem.endswith("c"):
                yield stem[:-1] + "zar"  # "analicé" → "analizar"
    for ending in VERB_ER:
        if word.endswith(ending) and len(word) > len(ending):
            stem = word[: -len(ending)]
            yield stem + "er"
            yield stem + "ir"
            if stem.endswith("zc"):
                yield stem[:-2] + "cer"  # "agradezco" → "agradecer"


def _same_case(original: str, word: str) -> str:
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
