"""Article suggestions over 2,000 articles: p95 of `kb.selectors.article_suggestions` (what
`GET /api/v1/kb/suggest/` answers) for the evaluation set's questions typed as prefixes, as an
anonymous visitor and as an agent. Target: p95 <= 30 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_h_search_bench .venv/bin/python bench/bench_suggest.py

The first run writes 2,000 articles through `kb.services.article_create` (indexed on save, as
authors would): the demo's articles and variations of them, 10% internal, 10% for customers.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import percentile, verdict  # noqa: E402
from bench.eval_search import DATA, load_cases  # noqa: E402

ARTICLES = 2000
TARGET_MS = 30.0
VARIANTS = ["paso a paso", "para principiantes", "preguntas frecuentes", "en 5 minutos", "guía completa",
            "errores comunes", "para empresas", "desde el celular", "con capturas", "actualizado"]
FILLER = ("Si el problema sigue, escríbenos desde Mi cuenta con una captura de pantalla. Revisa también que "
          "tu dominio, tu hosting y tu correo estén activos y al corriente en sus pagos. ")


def ensure_articles() -> None:
    from atiende.accounts.models import Role, User
    from atiende.accounts.services import agent_create
    from atiende.demo.kb_articles import ARTICLES as DEMO
    from atiende.kb.models import Article
    from atiende.kb.services import article_create

    have = Article.objects.count()
    if have >= ARTICLES:
        return
    author = User.objects.filter(email="bench-kb@atiende.invalid").first() or agent_create(
        email="bench-kb@atiende.invalid", name="Autor", role=Role.ADMIN)
    topics = [a for a in DEMO if a.language == "es"]
    rng = random.Random(13)
    started = time.monotonic()
    for n in range(have, ARTICLES):
        topic = topics[n % len(topics)]
        title = topic.title if n < len(topics) else f"{topic.title}: {rng.choice(VARIANTS)} ({n})"
        body = topic.body + "\n\n" + FILLER * rng.randint(1, 4)
        visibility = "internal" if n % 10 == 7 else "customers" if n % 10 == 3 else "public"
        article_create(actor=author, title=title[:200], body=body, status="published", visibility=visibility)
    print(f"{ARTICLES - have} articles written in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if "atiende_h_" not in os.environ.get("DATABASE_URL", "") and "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a bench database (never `atiende`).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    import django

    django.setup()
    from atiende.accounts.models import User
    from atiende.kb.selectors import article_suggestions

    ensure_articles()
    questions = [q for _lang, q, _expected in load_cases(DATA)]
    # As typed: every question cut after its second, third... word, the last one half written.
    typed = []
    for question in questions:
        words = question.split()
        for n in range(2, len(words) + 1):
            last = words[n - 1]
            typed.append(" ".join(words[: n - 1] + [last[: max(3, len(last) // 2 + 1)]]))
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    for label, viewer in {"anonymous": None, "agent": User.objects.get(email="bench-kb@atiende.invalid")}.items():
        for text in typed[:20]:
            article_suggestions(text, viewer=viewer, language="es")  # warm up
        timings = []
        for _ in range(args.rounds):
            for text in typed:
                started = time.perf_counter()
                article_suggestions(text, viewer=viewer, language="es")
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = percentile(timings, 95)
        print(f"{label}: {len(timings)} suggestions, p50 {percentile(timings, 50):.1f} ms, p95 {p95:.1f} ms, "
              f"max {timings[-1]:.1f} ms -> {verdict(p95, TARGET_MS)} (target p95 <= {TARGET_MS:.0f} ms)")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
