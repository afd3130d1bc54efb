"""The reply checker's speed: one check of a 300-word reply (es-MX and English, with the customer's
last message and the starter jargon glossary), p50 / p95 / max over many runs, after the
dictionaries are loaded once (as a server process has them). Target: p95 ≤ 50 ms.

    .venv/bin/python bench/bench_replycheck.py [--runs 300]

Also prints the one-time dictionary load of a new process. The rules are pure: no database."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH_ES = ("Revisamos tu cuenta y encontramos que el correo dejó de llegar porque el buzón estaba lleno. "
                "Liberamos espacio borrando los mensajes de la papelera, que ocupaban casi todo el límite del plan. "
                "Ahora tienes un poco más de la mitad libre y los mensajes nuevos ya llegan sin problema. "
                "Te recomiendo vaciar la papelera cada mes y revisar la carpeta de spam de vez en cuando. ")
PARAGRAPH_EN = ("We checked your account and found that mail stopped arriving because the mailbox was full. "
                "We freed space by emptying the trash folder, which used almost all of the plan's limit. "
                "You now have a little more than half of it free and new messages arrive without trouble. "
                "I suggest emptying the trash every month and looking at the spam folder now and then. ")
CUSTOMER = {"es": "Hola, no me llegan los correos desde ayer. ¿Me pueden ayudar? ¿Tengo que pagar más espacio?",
            "en": "Hi, my email stopped arriving yesterday. Can you help? Do I need to pay for more space?"}


def reply(language: str, words: int = 300) -> str:
    paragraph = PARAGRAPH_ES if language == "es" else PARAGRAPH_EN
    body: list[str] = []
    while len(" ".join(body).split()) < words - 12:
        body.append(paragraph)
    text = " ".join(" ".join(body).split()[: words - 12])
    if language == "es":
        return f"Hola, Rosa:\n\n{text}. No necesitas pagar más espacio por ahora.\n\nSaludos,\nCarlos"
    return f"Hi Rosa,\n\n{text}. You do not need to pay for more space for now.\n\nBest regards,\nCarlos"


def draft_of(text: str, language: str, glossary: dict):
    from atiende.replycheck import rules

    return rules.Draft(text=text, language=language, customer_message=CUSTOMER[language],
                       customer_name="Rosa María Hernández Vega", agent_name="Carlos Ruiz", jargon=glossary[language])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    import django

    django.setup()
    from atiende.replycheck import lexicon, rules, starter

    started = time.perf_counter()
    for language in rules.LANGUAGES:
        lexicon.checker(language)
        rules.check(rules.Draft(text="Hola", language=language))
    print(f"dictionaries loaded once per process: {(time.perf_counter() - started) * 1000:.0f} ms")
    glossary = {"es": rules.parse_glossary(starter.JARGON_ES), "en": rules.parse_glossary(starter.JARGON_EN)}
    for language in rules.LANGUAGES:
        text = reply(language)
        findings = rules.check(draft_of(text, language, glossary))
        timings = []
        for run in range(args.runs):
            # A new text each time, as the composer sends: the per-text work is never reused, only
            # what a warm process keeps (dictionaries, words already looked up).
            draft = draft_of(text.replace("\n\n", f" Caso {run}.\n\n", 1), language, glossary)
            began = time.perf_counter()
            rules.check(draft)
            timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{language}: {len(text.split())} words, {len(findings)} findings {[f.code for f in findings]}; "
              f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
              f"over {args.runs} checks (target p95 ≤ 50 ms: {'met' if p95 <= 50 else 'MISSED'})")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
