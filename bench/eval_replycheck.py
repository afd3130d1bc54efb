"""How well the reply checker finds what it should and nothing else: recall per finding code over
the seeded replies of bench/data/replycheck_cases.py, and the false-alarm rate on the clean ones
(a clean reply with any finding is a false alarm), in es-MX and English.

    .venv/bin/python bench/eval_replycheck.py          # add -v to see every finding

The checker's rules are pure: no database is needed. The jargon glossary is the starter list a
new installation gets. Tune on these numbers; a good reply must come back clean.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "data"))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    import django

    django.setup()
    from django.utils import translation
    from replycheck_cases import CASES

    from atiende.replycheck import rules, starter

    verbose = "-v" in sys.argv
    glossary = {"es": rules.parse_glossary(starter.JARGON_ES), "en": rules.parse_glossary(starter.JARGON_EN)}
    expected, found_right, extra = Counter(), Counter(), Counter()
    clean = alarms = 0
    with translation.override("en"):
        for case in CASES:
            draft = rules.Draft(text=case.text, language=case.language, customer_message=case.customer,
                                attachments=case.attachments, customer_name=case.customer_name,
                                agent_name=case.agent_name, names=case.names, technical=case.technical,
                                jargon=glossary[case.language])
            findings = rules.check(draft)
            codes = {f.code for f in findings}
            for code in case.expect:
                expected[(case.language, code)] += 1
                found_right[(case.language, code)] += code in codes
            for code in codes - case.expect:
                extra[(case.language, code)] += 1
            if not case.expect:
                clean += 1
                alarms += bool(codes)
            if verbose or (codes != case.expect):
                mark = "ok" if codes == case.expect else "!!"
                print(f"{mark} {case.name}: expected {sorted(case.expect)} got {sorted(codes)}")
                for f in findings if verbose or codes != case.expect else []:
                    print(f"     {f.code} [{case.text[f.start:f.end][:40]!r}] {f.suggestions[:2]}")
    print("\nrecall per code (seeded replies found / seeded):")
    for code in rules.CODES:
        parts = []
        for language in ("es", "en"):
            if expected[(language, code)]:
                parts.append(f"{language} {found_right[(language, code)]}/{expected[(language, code)]}")
        total = sum(expected[(lang, code)] for lang in ("es", "en"))
        hit = sum(found_right[(lang, code)] for lang in ("es", "en"))
        print(f"  {code:20} {hit / total if total else 0:6.0%}  ({', '.join(parts) or 'none seeded'})")
    print(f"\nfalse alarms on clean replies: {alarms}/{clean} = {alarms / clean if clean else 0:.0%}")
    print(f"unexpected findings on seeded replies: {sum(extra.values())} {dict(extra) if extra else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
