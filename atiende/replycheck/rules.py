"""The reply checker's rules: pure functions of a reply and what is known around it.

`check(draft)` returns the findings in the order of the text. Each rule is a small function that
explains itself; none reads the database, the network or a model."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import lexicon, phrases
from .text import fold, lines, masked, sentences, syllables_en, syllables_es, words, words_between

CODES = ("spelling", "all_caps", "jargon", "hard_to_read", "no_greeting", "no_closing", "vague_time",
         "missing_attachment", "unanswered_question", "no_next_step")
LANGUAGES = ("es", "en")
# What each code is called on the pages (the finding's own message says what to change).
CODE_LABELS = {
    "spelling": gettext_lazy("Spelling"), "all_caps": gettext_lazy("Shouting (capital letters)"),
    "jargon": gettext_lazy("Technical jargon"), "hard_to_read": gettext_lazy("Hard to read"),
    "no_greeting": gettext_lazy("No greeting"), "no_closing": gettext_lazy("No closing"),
    "vague_time": gettext_lazy("A promise with no time"), "missing_attachment": gettext_lazy("Missing attachment"),
    "unanswered_question": gettext_lazy("Unanswered question"), "no_next_step": gettext_lazy("No next step"),
}
LONG_SENTENCE = {"es": 40, "en": 35}
# Szigriszt-Pazos below 45 is "algo difícil" on the INFLESZ scale; Flesch below 45 is "difficult".
HARD_SCORE = {"es": 45.0, "en": 45.0}
MIN_WORDS_FOR_SCORE = 40  # a short reply's score says more about its one sentence than about it
CAPS_RUN = re.compile(r"(?<![\w])[A-ZÁÉÍÓÚÑÜ]{2,}(?:[\s,;:.!¡¿?\-]+[A-ZÁÉÍÓÚÑÜ]{2,})*(?![\w])")


@dataclass(frozen=True)
class JargonTerm:
    term: str
    plain: str


def parse_glossary(text: str) -> list[JargonTerm]:
    """One "term: plain words" per line (blank lines skipped)."""
    terms = []
    for line in (text or "").splitlines():
        term, _sep, plain = line.partition(":")
        if term.strip():
            terms.append(JargonTerm(term.strip(), plain.strip()))
    return terms


@dataclass
class Draft:
    """A reply being written and what the rules may know around it."""

    text: str
    language: str
    customer_message: str = ""
    attachments: int = 0
    customer_name: str = ""  # the name to greet by
    agent_name: str = ""
    names: Iterable[str] = ()  # people, organizations, brands: never misspellings
    company_terms: Iterable[str] = ()  # the company's glossary: never misspellings
    jargon: Iterable[JargonTerm] = ()  # checked only when `technical` is false
    technical: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    start: int
    end: int
    suggestions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "start": self.start, "end": self.end,
                "suggestions": list(self.suggestions)}


def check(draft: Draft) -> list[Finding]:
    if draft.language not in LANGUAGES:
        raise ValueError(draft.language)
    if not draft.text.strip():
        return []
    found: list[Finding] = []
    for rule in (spelling, all_caps, jargon, hard_to_read, no_greeting, no_closing, vague_time,
                 missing_attachment, unanswered_question, no_next_step):
        found.extend(rule(draft))
    return sorted(found, key=lambda f: (f.start, CODES.index(f.code)))


def spelling(draft: Draft) -> list[Finding]:
    language = draft.language
    other = "en" if language == "es" else "es"
    ignored = _ignored_words(draft)
    starts = {s.start for s in sentences(draft.text)} | {line.start for line in lines(draft.text)}
    found = []
    for word in words(draft.text):
        token = word.text
        if len(token) < 2 or fold(token) in ignored or _looks_like_a_name(token):
            continue
        if token.lower() in phrases.ABBREVIATIONS[language] and draft.text[word.end:word.end + 1] == ".":
            continue
        if token[:1].isupper() and word.start not in starts:
            continue  # a proper noun mid-sentence: a name, a brand, a place
        if not lexicon.unknown(language, token):
            continue
        if lexicon.frequency(other, token) >= 1e-6 and lexicon.accent_fix(language, token) is None:
            continue  # everyday words of the other language ("hosting", "backup", "hola")
        fixes = lexicon.suggestions(language, token)
        if token[:1].isupper() and not _confident(language, token, fixes):
            continue  # capitalised at the start of a sentence and unknown: most likely a name
        found.append(Finding("spelling", _("“%(word)s” looks misspelled.") % {"word": token},
                             word.start, word.end, fixes))
    return found


def all_caps(draft: Draft) -> list[Finding]:
    keep = {term.upper() for term in draft.company_terms} | {n.upper() for n in _name_words(draft)}
    found: list[Finding] = []
    for run in CAPS_RUN.finditer(masked(draft.text)):
        loud: list[re.Match] = []
        for token in re.finditer(r"[A-ZÁÉÍÓÚÑÜ]{2,}", run.group()):
            word = token.group()
            if word in phrases.ACRONYMS or word in keep or not _shoutable(draft.language, word.lower()):
                _flush_caps(draft, run.start(), loud, found)
                loud = []
            else:
                loud.append(token)
        _flush_caps(draft, run.start(), loud, found)
    return found


def _shoutable(language: str, word: str) -> bool:
    """A word (not an acronym) when lowercased. Short ones must be in the spell-checking list: the
    web's counts know "dns" and "ssl" as words."""
    return lexicon.is_reference_word(language, word) if len(word) < 5 else lexicon.is_word(language, word)


def _flush_caps(draft: Draft, offset: int, loud: list[re.Match], found: list[Finding]) -> None:
    if not loud or (len(loud) == 1 and len(loud[0].group()) < 6):
        return  # one short word in capitals is emphasis ("NO compartas tu contraseña"), not shouting
    start, end = offset + loud[0].start(), offset + loud[-1].end()
    original = draft.text[start:end]
    before = draft.text[:start].rstrip(" \t")
    at_start = not before.strip() or before[-1] in ".!?¡¿\n"
    fix = original.lower()
    fix = fix[:1].upper() + fix[1:] if at_start else fix
    found.append(Finding("all_caps", _("Capitals read as shouting. Write it in normal case."), start, end, [fix]))


def jargon(draft: Draft) -> list[Finding]:
    if draft.technical:
        return []
    terms = tuple(draft.jargon)
    if not terms:
        return []
    plain = {term.term.lower(): term.plain for term in terms}
    found = []
    for match in _glossary_pattern(tuple(plain)).finditer(draft.text.lower()):
        message = _("“%(term)s” is a technical term this customer may not know.") % {
            "term": draft.text[match.start():match.end()]}
        explanation = plain.get(match.group())
        found.append(Finding("jargon", message, match.start(), match.end(), [explanation] if explanation else []))
    return found


@functools.lru_cache(maxsize=8)
def _glossary_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """One pattern for the glossary, longest terms first ("registros DNS" before "DNS")."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(t) for t in ordered) + r")(?![\w])")


def hard_to_read(draft: Draft) -> list[Finding]:
    found = []
    limit = LONG_SENTENCE[draft.language]
    for sentence in sentences(draft.text):
        count = len(words_between(draft.text, sentence.start, sentence.end))
        if count > limit:
            message = _("This sentence has %(count)d words. Split it: sentences under %(limit)d words read easily.") % {
                "count": count, "limit": limit}
            found.append(Finding("hard_to_read", message, sentence.start, sentence.end))
    score = readability(draft.text, draft.language)
    if score is not None and score < HARD_SCORE[draft.language]:
        message = _("Hard to read (score %(score)d of 100). Use shorter sentences and simpler words.") % {
            "score": round(score)}
        found.append(Finding("hard_to_read", message, 0, len(draft.text)))
    return found


def readability(text: str, language: str) -> float | None:
    """Szigriszt-Pazos (Spanish) or Flesch reading ease (English); None for a short text."""
    tokens = [w.text for w in words(text)]
    if len(tokens) < MIN_WORDS_FOR_SCORE:
        return None
    count = max(1, len(sentences(text)))
    if language == "es":
        syllables = sum(syllables_es(t) for t in tokens)
        return 206.835 - 62.3 * syllables / len(tokens) - len(tokens) / count
    syllables = sum(syllables_en(t) for t in tokens)
    return 206.835 - 1.015 * len(tokens) / count - 84.6 * syllables / len(tokens)


def no_greeting(draft: Draft) -> list[Finding]:
    first = lines(draft.text)[0]
    if phrases.GREETING[draft.language].search(first.text):
        return []
    name = _first_name(draft.customer_name)
    # In the reply's language, whatever the agent's screen is in.
    if draft.language == "es":
        fix = f"Hola, {name}:" if name else "Hola:"
    else:
        fix = f"Hi {name}," if name else "Hello,"
    return [Finding("no_greeting", _("Greet the customer by name before anything else."), first.start,
                    first.end, [fix])]


def no_closing(draft: Draft) -> list[Finding]:
    every = lines(draft.text)
    tail = (every[1:] if len(every) > 1 else every)[-3:]  # a closing, a name, a team's line; not the greeting
    if any(phrases.CLOSING[draft.language].search(line.text) for line in tail):
        return []
    if any(_is_signature(line.text, draft.agent_name) for line in tail[-2:]):
        return []
    name = draft.agent_name or ""
    fix = ("Saludos,\n" if draft.language == "es" else "Best regards,\n") + name
    return [Finding("no_closing", _("End with a closing and your name, so the customer knows who wrote."),
                    tail[-1].start, tail[-1].end, [fix.strip()])]


def vague_time(draft: Draft) -> list[Finding]:
    found = []
    concrete = phrases.CONCRETE_TIME[draft.language]
    spans = sentences(draft.text)
    for match in phrases.VAGUE_TIME[draft.language].finditer(draft.text):
        sentence = next((s for s in spans if s.start <= match.start() < s.end), None)
        if sentence and concrete.search(sentence.text):
            continue
        found.append(Finding("vague_time", _("“%(phrase)s” promises no time. Say when: a day and an hour.") % {
            "phrase": match.group()}, match.start(), match.end(), list(phrases.VAGUE_FIX[draft.language])))
    return found


def missing_attachment(draft: Draft) -> list[Finding]:
    if draft.attachments > 0:
        return []
    return [Finding("missing_attachment", _("The reply mentions an attachment, but nothing is attached."),
                    m.start(), m.end()) for m in phrases.ATTACHING[draft.language].finditer(draft.text)]


def unanswered_question(draft: Draft) -> list[Finding]:
    if not draft.customer_message.strip():
        return []
    answered = _stems(draft.text, draft.language) | _stems(draft.text, "en" if draft.language == "es" else "es")
    found = []
    for question in _questions(draft.customer_message):
        asked = _stems(question, draft.language)
        if asked and not asked & answered:
            found.append(Finding("unanswered_question", _("The customer asked “%(question)s” and this reply does "
                                                          "not seem to answer it.") % {"question": question},
                                 len(draft.text), len(draft.text)))
    return found


def no_next_step(draft: Draft) -> list[Finding]:
    text = draft.text
    if phrases.SOLVED[draft.language].search(text) or phrases.NEXT_STEP[draft.language].search(text):
        return []
    return [Finding("no_next_step", _("Say what happens next or what the customer should do, or that it is solved."),
                    len(text), len(text))]


def _ignored_words(draft: Draft) -> set[str]:
    ignored = {fold(w) for w in _name_words(draft)}
    for term in list(draft.company_terms) + [t.term for t in draft.jargon]:
        ignored.update(fold(part) for part in re.findall(r"[^\W\d_]+", term))
    return ignored


def _name_words(draft: Draft) -> set[str]:
    found: set[str] = set()
    for name in [draft.customer_name, draft.agent_name, *draft.names]:
        found.update(re.findall(r"[^\W\d_]+", name or ""))
    return found


def _looks_like_a_name(token: str) -> bool:
    """Capitals inside a word (cPanel, WordPress) or all capitals (acronyms: all_caps' business)."""
    return (token.isupper() and len(token) > 1) or any(c.isupper() for c in token[1:])


def _confident(language: str, token: str, fixes: list[str]) -> bool:
    if lexicon.accent_fix(language, token):
        return True
    return any(lexicon.frequency(language, fix) >= 1e-5 for fix in fixes)


def _is_signature(line: str, agent_name: str) -> bool:
    text = line.strip()
    if agent_name and any(part.lower() in text.lower() for part in agent_name.split() if len(part) > 2):
        return True
    if text.startswith(("—", "--", "-")):
        return True
    tokens = text.split()
    return (0 < len(tokens) <= 5 and text[-1:] not in ".?!:," and not text.isupper()
            and all(t[:1].isupper() for t in tokens if t.isalpha()))


def _first_name(name: str) -> str:
    return name.split()[0] if name and name.split() else ""


def _questions(message: str) -> list[str]:
    out = []
    for sentence in sentences(message):
        text = sentence.text.strip()
        if "?" in text or text.startswith("¿"):
            part = text[text.rfind("¿"):] if "¿" in text else text
            out.append(part.strip())
    return out


@functools.lru_cache(maxsize=32)
def _stems(text: str, language: str) -> frozenset[str]:
    stop = phrases.STOPWORDS[language]
    return frozenset(fold(w.text)[:5] for w in words(text) if len(w.text) >= 4 and w.text.lower() not in stop)
