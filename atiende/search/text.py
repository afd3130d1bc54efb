"""Text normalisation shared by every backend (pure: no ORM).

A word becomes a *term* in three steps, the same on SQLite and PostgreSQL so both find the same
documents: fold (lower case, accents and ñ dropped, as PostgreSQL's `unaccent` does), drop Spanish
stop words, stem with Snowball's Spanish stemmer (the algorithm PostgreSQL's `spanish_stem` runs).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Letters and digits only: every FTS operator, quote, NUL and punctuation is a separator.
WORD_RE = re.compile(r"[0-9a-z]+")
MAX_QUERY_CHARS = 500  # longer questions are cut: the first words carry the meaning
MAX_QUERY_WORDS = 32

# PostgreSQL's spanish.stop, folded, plus a few fillers customers write ("porfa", "hola").
STOP_WORDS = frozenset(
    """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
    ella ellas ellos en entre era erais eramos eran eras eres es esa esas ese eso esos esta estaba
    estabais estabamos estaban estabas estad estada estadas estado estados estais estamos estan
    estando estar estaremos estara estaran estaras estare estareis estaria estariais estariamos
    estarian estarias estas este esteis estemos esten estes esto estos estoy estuve estuviera
    estuvimos estuvo fue fuera fueron fui fuimos ha habeis habia habian han has hasta hay haya he
    hemos hube hubo la las le les lo los mas me mi mis mucho muchos muy nada ni nos nosotras
    nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero poco por porque
    que quien quienes se sea sean ser si sido siendo sin sobre sois somos son soy su sus suya suyas
    suyo suyos tambien tanto te tenemos tener tengo ti tiene tienen todo todos tu tus tuve tuvo un
    una uno unos vosotros y ya yo
    the of and to in is it for on with my i an be are this that how do does can
    no hola porfa favor gracias buenas buenos dias tardes noches ayuda ayudar
    quiero kiero necesito ocupo puedo pasa hago hacer oigan oye
    """.split()
)

_stemmers: dict[str, snowballstemmer.stemmer] = {}


# Unicode's combining marks (the blocks NFKD moves accents into), removed in one C-level pass.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents: 'Contraseña Olvidé' -> 'contrasena olvide'."""
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text.casefold()))


def words(text: str) -> list[str]:
    """Folded words of `text`, in order; anything but letters and digits separates them."""
    return WORD_RE.findall(fold(text))


def _stemmer(language: str) -> snowballstemmer.stemmer:
    name = "english" if language == "en" else "spanish"
    if name not in _stemmers:
        _stemmers[name] = snowballstemmer.stemmer(name)
    return _stemmers[name]


@lru_cache(maxsize=100_000)
def stem(word: str, language: str = "es") -> str:
    """The term for one folded word; digits and very short words stay as written."""
    if len(word) < 3 or word.isdigit():
        return word
    return _stemmer(language).stemWord(word)


def terms(text: str, language: str = "es") -> list[str]:
    """The indexed terms of `text`: folded, stop words dropped, stemmed."""
    return [stem(w, language) for w in words(text) if w not in STOP_WORDS]


def term_text(text: str, language: str = "es") -> str:
    """`terms` as one space-separated string (what the SQLite FTS5 table stores)."""
    return " ".join(terms(text, language))


# Snippets: a window of the original text around the first words that match, marked with
# control characters that no stored text contains, then escaped and turned into <mark>.
_OPEN, _CLOSE = "\x02", "\x03"
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def _match_spans(text: str, query_terms: frozenset[str], language: str) -> list[tuple[int, int]]:
    """Where the words of `text` that the query looks for are."""
    folded = fold(text)
    if len(folded) == len(text):  # the usual case: folding kept every position (é -> e), one pass
        return [m.span() for m in WORD_RE.finditer(folded)
                if m.group() in query_terms or stem(m.group(), language) in query_terms]
    return [m.span() for m in _TOKEN_RE.finditer(text)  # ß -> ss and the like: word by word
            if fold(m.group()) in query_terms or stem(fold(m.group()), language) in query_terms]


def snippet(text: str, query_terms: frozenset[str], *, language: str = "es", width: int = 180) -> str:
    """Safe HTML: `text` around its first matching word, matching words in <mark>."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    spans = _match_spans(text, query_terms, language)
    start = 0
    if spans and spans[0][0] > width // 3:
        start = text.rfind(" ", 0, spans[0][0] - width // 3) + 1
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [text[pos:a], _OPEN, text[a:b], _CLOSE]
        pos = b
    out.append(text[pos:end])
    body = " ".join("".join(out).split())
    escaped = html.escape(body).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return ("… " if start else "") + escaped + (" …" if end < len(text) else "")


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word (padded with two spaces before and one after)."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity` for two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
