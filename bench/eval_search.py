"""How well the knowledge-base search answers customers: MRR and hit@1 / hit@3 over
bench/data/eval_search.tsv (real-sounding Mexican-Spanish questions against the demo's help
center), plus the traps that must find nothing.

    .venv/bin/python bench/eval_search.py            # a fresh SQLite database in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_h_search_eval .venv/bin/python bench/eval_search.py

The questions go through `kb.selectors.articles_matching` as an anonymous visitor (what the help
center and the suggestions answer), so the synonyms, typo correction and weights are measured
together. Tune on these numbers, never on the demo's exact titles.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "eval_search.tsv"


def load_cases(path: Path) -> list[tuple[str, str, list[str]]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, question, expected = line.split("\t")
        cases.append((language, question, [] if expected == "-" else expected.split(",")))
    return cases


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["ATIENDE_DATA_DIR"] = tempfile.mkdtemp(prefix="atiende-eval-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def demo_articles() -> dict[str, int]:
    """The demo help center (loaded if missing): article key -> id."""
    from atiende.accounts.models import Role, User
    from atiende.accounts.services import agent_create
    from atiende.demo.kb import load_demo_kb
    from atiende.demo.kb_articles import ARTICLES
    from atiende.kb.models import Article

    author = User.objects.filter(email="eval@atiende.invalid").first() or agent_create(
        email="eval@atiende.invalid", name="Evaluación", role=Role.ADMIN, password=None)
    load_demo_kb(author=author)
    by_title = dict(Article.objects.values_list("title", "id"))
    return {spec.key: by_title[spec.title] for spec in ARTICLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--verbose", action="store_true", help="print every question's ranking")
    args = parser.parse_args()
    setup_django()
    from atiende.kb.selectors import articles_matching

    ids = demo_articles()
    names = {pk: key for key, pk in ids.items()}
    cases = load_cases(Path(args.data))
    reciprocal, hit1, hit3, answered, traps, traps_ok, misses = 0.0, 0, 0, 0, 0, 0, []
    for language, question, expected in cases:
        found = [a.pk for a in articles_matching(question, viewer=None, language=language, limit=10)]
        if not expected:
            traps += 1
            traps_ok += not found
            if found:
                misses.append((question, "nothing", [names.get(i, i) for i in found[:3]]))
            continue
        answered += 1
        wanted = {ids[key] for key in expected}
        rank = next((n for n, pk in enumerate(found, 1) if pk in wanted), None)
        reciprocal += 1 / rank if rank else 0
        hit1 += rank == 1
        hit3 += rank is not None and rank <= 3
        if rank != 1:
            misses.append((question, ",".join(expected), [names.get(i, i) for i in found[:3]]))
        if args.verbose:
            print(f"{rank or '-':>2}  {question}  -> {[names.get(i, i) for i in found[:3]]}")
    print(f"questions: {answered} (+{traps} traps that must find nothing)")
    print(f"MRR@10: {reciprocal / answered:.3f}   hit@1: {hit1 / answered:.3f}   hit@3: {hit3 / answered:.3f}   "
          f"traps found nothing: {traps_ok}/{traps}")
    if misses:
        print("not first (question -> wanted; got):")
        for question, wanted, got in misses:
            print(f"  {question!r} -> {wanted}; {got}")


if __name__ == "__main__":
    main()
