"""The agent's pages, as a browser loads them: the inbox and the ticket page.

GET /bandeja/ (the default view, "All open", 50 rows) on page 1 and on the page reached by
following `--depth` (200) "Next" links, GET /bandeja/?status=open&team=1 (filters without a view),
and GET /tickets/<number>/ of the designated ticket (20 messages), as the designated agent (role
*agent*, teams 1 and 2, so the visibility rules apply). Targets (issue 3): inbox p95 <= 80 ms,
ticket page p95 <= 60 ms, with 1 client; 8 concurrent clients are measured for information.
The views' counts fragment (GET /bandeja/conteos/, which every inbox page requests once it has loaded) is
timed alone, for information: it shows what the sidebar's counts cost.

Pages authenticate with a session cookie, not a token: before measuring, a short-lived helper
process sets Django up against the bench database, creates a session for the designated agent
with `SessionStore` (no password is set; nothing else is written), walks the inbox to find the
deep page, and loads each page once in-process under `CaptureQueriesContext` to print its SQL
query count and slowest query. Every page is then checked over HTTP (200, 50 rows / 20
messages) before and after its rounds. When a target is missed, the slowest query of that page
is shown with EXPLAIN (ANALYZE, BUFFERS).

    .venv/bin/python bench/bench_pages.py --base-url http://127.0.0.1:PORT --server-pid PID
"""

from __future__ import annotations

import html
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

INBOX_TARGET_MS = 80
TICKET_TARGET_MS = 60
INBOX = "/bandeja/"
ROWS = "/bandeja/filas/"  # the rows fragment: the same query and "next" link, cheaper to walk
COUNTS = "/bandeja/conteos/?view=open"  # the views' counts fragment: part of the inbox page, timed alone too
SESSION_AGE = 7 * 24 * 3600


# --- in a helper process with Django set up against the bench database -------------------------

def inbox_rows_in(page: str) -> tuple[int, str]:
    """(rows in `<tbody id="inbox-rows">`, the "next" URL it carries)."""
    start = page.find('id="inbox-rows"')
    body = page[start:page.find("</tbody>", start)] if start >= 0 else ""
    found = re.search(r'data-next-url="([^"]*)"', body)
    return body.count('data-ticket-url="'), html.unescape(found.group(1)) if found else ""


def messages_in(page: str) -> int:
    return page.count('data-message-id="')


def counts_in(page: str) -> int:
    """View links with a count in `<div id="view-counts">` (the built-in views: 5)."""
    start = page.find('id="view-counts"')
    return page[start:].count('<span class="count">') if start >= 0 else 0


def found_in(name: str, page: str) -> int:
    """What a page must show: inbox rows, timeline messages or view counts."""
    if name == "ticket":
        return messages_in(page)
    return counts_in(page) if name == "counts" else inbox_rows_in(page)[0]


WANTED = {"inbox": 50, "inbox_deep": 50, "inbox_filtered": 50, "ticket": 20, "counts": 5}


def django_part(spec: dict) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from atiende.accounts.models import User

    agent = User.objects.get(pk=spec["agent_id"])
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.set_expiry(SESSION_AGE)
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    def get(url: str) -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"in-process GET {url} -> {response.status_code} {response.get('Location', '')}")
        return response.content.decode()

    # The deep page: follow "next" on the rows fragment (same query, same cursor, less HTML).
    url, depth, started = INBOX, 0, time.perf_counter()
    _rows, next_url = inbox_rows_in(get(ROWS)) if "inbox_deep" in spec["pages"] else (0, "")
    while depth < spec["depth"] and next_url:
        url = next_url
        _rows, next_url = inbox_rows_in(get(url.replace(INBOX, ROWS, 1)))
        depth += 1
    walk_s = time.perf_counter() - started

    pages = {"inbox": INBOX, "inbox_deep": url, "inbox_filtered": spec["filtered"], "ticket": spec["ticket"],
             "counts": COUNTS}
    counted = {}
    for name, page_url in pages.items():
        if name not in spec["pages"]:
            continue
        get(page_url)  # warm: template loading, branding cache, plans
        timings = []
        for _ in range(5):
            t0 = time.perf_counter()
            get(page_url)
            timings.append(1000 * (time.perf_counter() - t0))
        with CaptureQueriesContext(connection) as captured:
            page = get(page_url)
        queries = [{"ms": round(1000 * float(q["time"]), 2), "sql": q["sql"]} for q in captured.captured_queries]
        counted[name] = {
            "url": page_url, "queries": len(queries), "sql_ms": round(sum(q["ms"] for q in queries), 2),
            "in_process_ms_median": round(statistics.median(timings), 1), "list": queries,
            "found": found_in(name, page),
        }
    return {"cookie_name": settings.SESSION_COOKIE_NAME, "session_key": session.session_key,
            "session_expires": session.get_expiry_date().isoformat(), "depth": depth,
            "walk_s": round(walk_s, 1), "pages": counted}


def run_django_part(info: dict, spec: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ATIENDE_ENV"}
    env.update(DATABASE_URL=info["database_url"], DEBUG="false", DJANGO_SETTINGS_MODULE="atiende.settings.base",
               ATIENDE_DATA_DIR=str(common.RESULTS / "data"), DATABASE_POOL_MIN="1")
    proc = subprocess.run([sys.executable, __file__, "--django-part", json.dumps(spec)], env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"the in-process part failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the measuring process ----------------------------------------------------------------------

def explain(database_url: str, sql: str) -> str:
    import psycopg

    if not sql.lstrip().upper().startswith("SELECT"):
        return "(not a SELECT)"
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()  # type: ignore[arg-type]
    return "\n".join("      " + row[0] for row in rows)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--django-part":
        print(json.dumps(django_part(json.loads(sys.argv[2]))))
        return
    p = common.parser(__doc__)
    p.add_argument("--depth", type=int, default=200, help='"Next" links to follow for the deep inbox page')
    p.add_argument("--pages", default=",".join(WANTED), help=f"which pages, comma-separated (default: {','.join(WANTED)})")
    args = p.parse_args()
    common.print_command()
    info = common.load_tokens(args.tokens)
    team = info.get("list_team_id", 1)
    ticket_url = f"/tickets/{info['ticket']['number']}/"
    filtered = f"{INBOX}?status=open&team={team}"

    t0 = time.perf_counter()
    wanted = [name for name in args.pages.split(",") if name]
    if not wanted or set(wanted) - set(WANTED):
        sys.exit(f"--pages: choose among {', '.join(WANTED)}")
    setup = run_django_part(info, {"agent_id": info["agent"]["id"], "depth": args.depth, "filtered": filtered,
                                   "ticket": ticket_url, "pages": wanted})
    print(f"session for the designated agent (id {info['agent']['id']}) created with SessionStore, expires "
          f"{setup['session_expires']}; in-process setup {time.perf_counter() - t0:.1f} s")
    if "inbox_deep" in wanted:
        print(f"followed {setup['depth']} \"Next\" links on the rows fragment in {setup['walk_s']} s (in-process)")
    if "inbox_deep" in wanted and setup["depth"] < args.depth:
        sys.exit("the inbox ran out of pages before --depth: seed more tickets or lower --depth")
    pages = setup["pages"]
    base = args.base_url.rstrip("/")
    headers = {"Cookie": f"{setup['cookie_name']}={setup['session_key']}"}

    name_of = {page["url"]: name for name, page in pages.items()}

    def check(url: str) -> None:
        name = name_of[url[len(base):]]
        got = found_in(name, common.get_page(url, headers))
        if got != WANTED[name]:
            sys.exit(f"GET {url}: {got} rows/messages/counts, expected {WANTED[name]}")

    for name, page in pages.items():  # over HTTP, against the server being measured
        check(base + page["url"])
        if page["found"] != WANTED[name]:
            sys.exit(f"in-process {page['url']}: {page['found']} rows/messages/counts, expected {WANTED[name]}")
    # A browser sends the CSRF cookie back; without it every page would mint a new secret.
    import httpx

    csrf = httpx.get(base + INBOX, headers=headers, timeout=30).cookies.get("csrftoken")
    if csrf:
        headers["Cookie"] += f"; csrftoken={csrf}"

    print()
    print("SQL queries per page (one request, in-process, CaptureQueriesContext, bench database):")
    for name, page in pages.items():
        slowest = max(page["list"], key=lambda q: q["ms"]) if page["list"] else {"ms": 0, "sql": ""}
        print(f"  {name:15} {page['queries']:3d} queries, {page['sql_ms']:6.1f} ms of SQL, in-process page "
              f"{page['in_process_ms_median']:.1f} ms (median of 5); slowest {slowest['ms']:.1f} ms: "
              f"{slowest['sql'][:110]}")
    print()
    print(f"AGENT PAGES as {info['agent']['email']} (session cookie)")
    label_of = {"inbox": f"inbox page 1 GET {INBOX}",
                "inbox_deep": f"inbox page {setup['depth'] + 1} ({setup['depth']} x Next)",
                "inbox_filtered": f"inbox filtered GET {filtered}",
                "ticket": f"ticket page GET {ticket_url} (20 messages)",
                "counts": f"view counts fragment GET {COUNTS} (requested by every inbox page once loaded)"}
    target = {"ticket": TICKET_TARGET_MS, "counts": None}
    scenarios = [(label_of[name], base + page["url"], target.get(name, INBOX_TARGET_MS)) for name, page in pages.items()]
    results = common.run_reads_as(args, headers=headers, scenarios=scenarios, check=check)

    print()
    print("SUMMARY (median of rounds; server-side latency measured by the load generator)")
    missed = []
    for result, name in zip(results, [n for n in pages for _ in sorted({1, args.concurrency})], strict=True):
        goal = result["target_ms"]
        verdict = common.verdict(result["p95_ms"], goal) if goal else "no target of its own"
        print(f"  {result['scenario'][:58]:58} {result['concurrency']} client(s): p50 {result['p50_ms']:6.1f}  "
              f"p95 {result['p95_ms']:6.1f}  p99 {result['p99_ms']:6.1f} ms  ("
              + (f"target p95 <= {goal:.0f}: " if goal else "") + verdict
              + f"{'' if result['concurrency'] == 1 or not goal else ', for information'})  {pages[name]['queries']} queries")
        if result["concurrency"] == 1 and goal and verdict != "met":
            missed.append(name)
    for name in dict.fromkeys(missed):
        slowest = max(pages[name]["list"], key=lambda q: q["ms"])
        print(f"\n  {name}: target missed; its slowest query ({slowest['ms']:.1f} ms in-process):\n      {slowest['sql']}")
        print(explain(info["database_url"], slowest["sql"]))
    rows = common.print_memory(args.server_pid)
    common.save("bench_pages" if set(wanted) == set(WANTED) else "bench_pages.partial", {"results": results, "setup": setup, "memory": rows, "argv": sys.argv})


if __name__ == "__main__":
    main()
