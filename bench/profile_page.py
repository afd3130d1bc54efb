"""Where one page's time goes, in-process: SQL time against Python time, and the costliest functions.

    .venv/bin/python bench/profile_page.py /bandeja/ [--repeat 30] [--agent-id ID] [--top 25]
    .venv/bin/python bench/profile_page.py /api/v1/tickets/100000/messages/ --post '{"body": "Hola"}'

Runs against the bench database (BENCH_DATABASE_URL, default atiende_bench) with DEBUG off, as the
designated agent of `bench/results/tokens.json` unless --agent-id is given. It loads the page
once to warm caches, then `--repeat` times: it prints the median wall time, the median SQL time
(timed around each execute) and the functions with the most cumulative time under cProfile.
A tool for finding what to make faster; bench_pages.py gives the figures to report.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/atiende_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--agent-id", type=int)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--slowest", type=int, default=5, help="how many of the slowest queries to print")
    parser.add_argument("--sql-chars", type=int, default=150, help="how much of each slow query to print")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    parser.add_argument("--callers", help="also print who calls the functions matching this pattern")
    parser.add_argument("--callees", help="also print what the functions matching this pattern call")
    parser.add_argument("--post", metavar="JSON", help="POST this JSON body (API paths: as the agent's token)")
    args = parser.parse_args()

    os.environ.pop("ATIENDE_ENV", None)
    os.environ.update(DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB), DEBUG="false",
                      DJANGO_SETTINGS_MODULE="atiende.settings.base",
                      ATIENDE_DATA_DIR=str(ROOT / "bench" / "results" / "data"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client

    from atiende.accounts.models import User

    agent_id = args.agent_id or json.loads((ROOT / "bench" / "results" / "tokens.json").read_text())["agent"]["id"]
    agent = User.objects.get(pk=agent_id)
    session = SessionStore()
    session.update({SESSION_KEY: str(agent.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: agent.get_session_auth_hash()})
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    token = json.loads((ROOT / "bench" / "results" / "tokens.json").read_text())["agent"]["token"]

    def get() -> None:
        if args.post:
            response = client.post(args.url, data=args.post, content_type="application/json",
                                   headers={"Authorization": f"Token {token}"} if "/api/" in args.url else {})
        else:
            response = client.get(args.url)
        if response.status_code not in (200, 201):
            sys.exit(f"{'POST' if args.post else 'GET'} {args.url} -> {response.status_code}: {response.content[:300]!r}")

    get()
    walls, sqls, queries = [], [], []

    def timed(execute, sql, params, many, context):  # CaptureQueriesContext rounds to whole ms
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append({"ms": 1000 * (time.perf_counter() - started), "sql": sql})

    profile = cProfile.Profile()
    for _ in range(args.repeat):
        queries = []
        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            get()
            walls.append(1000 * (time.perf_counter() - started))
        sqls.append(sum(q["ms"] for q in queries))
    for _ in range(args.repeat):
        profile.enable()
        get()
        profile.disable()
    session.delete()
    wall, sql = statistics.median(walls), statistics.median(sqls)
    print(f"{args.url}: median {wall:.1f} ms, of which SQL {sql:.1f} ms ({len(queries)} queries), "
          f"Python {wall - sql:.1f} ms; over {args.repeat} requests")
    for query in sorted(queries, key=lambda q: -q["ms"])[:args.slowest]:
        print(f"  {query['ms']:6.2f} ms  {query['sql'][:args.sql_chars]}")
    stats = pstats.Stats(profile).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)
    if args.callees:
        stats.print_callees(args.callees)


if __name__ == "__main__":
    main()
