"""`atiende mail ingest` on a Maildir of 10,000 mixed messages, one process: messages per second.

The Maildir is written once by make_maildir.py into bench/results/maildir-10k/ (maildir-<N>/
for --messages N): 80 % new conversations from about 3,000 senders, 20 % replies threading on
earlier messages of the same Maildir by In-Reply-To / References, 20 % with a 20-200 KB PNG or
PDF attachment, 30 % with an HTML part, 10 % windows-1252. Each run then:

1. checks that `atiende mail ingest --help` works, and stops with a clear message if not;
2. with --reset (the default) drops and recreates the database `atiende_bench_ingest` on the
   bench server (the seeded `atiende_bench` is never touched), runs `atiende migrate`, creates a
   small world through `atiende.accounts.services` (an admin agent and the team "Soporte") and
   moves the previous run's storage directory bench/results/ingest-data/ into
   bench/results/ingest-data.old/ (see "Old files" below);
3. runs `atiende mail ingest <maildir>` as one process, the way an admin would: DATABASE_URL of
   that database, DJANGO_SETTINGS_MODULE=atiende.settings.base, ATIENDE_ENV unset, DEBUG=false,
   EMAIL_URL unset (outbound mail goes to the database outbox), no REDIS_URL unless --redis-url
   (background work then runs in the process; with Redis the jobs stay queued there),
   ATIENDE_DATA_DIR=bench/results/ingest-data, and Python's bytecode cached as an installed
   application has it (PYTHONDONTWRITEBYTECODE unset, the cache in bench/results/pycache/,
   written by step 1): a shell with PYTHONDONTWRITEBYTECODE=1 would otherwise compile about a
   thousand modules, 1.3 s, on every run;
4. reports its wall time, messages/s (target: >= 500), its CPU (user + sys) and peak memory,
   PostgreSQL's CPU, the rows it created per table (tickets, messages, attachments...) next to
   what the Maildir should give, the bytes stored, and the end of the command's output.

    .venv/bin/python bench/bench_ingest.py                   # 10,000 messages
    .venv/bin/python bench/bench_ingest.py --messages 500    # a quick try
    .venv/bin/python bench/bench_ingest.py [--messages N] [--database-url URL]
        [--database-name atiende_bench_ingest] [--no-reset] [--redis-url URL]
        [--ingest-args "--some-option x"] [--regenerate] [--maildir DIR] [--seed S]
    .venv/bin/python bench/bench_ingest.py --delete-old-files   # then wait a few minutes

--database-url gives the server and credentials (BENCH_DATABASE_URL, default the bench URL);
the run uses the database --database-name on it. The names `atiende`, `test_*` and the system
databases are refused, and so is --reset of the database named in --database-url. Without
--reset the rows already there stay (a second ingestion of the same Maildir only finds
duplicates). JSON goes to stdout and bench/results/ingest.json, the command's output to
bench/results/ingest.log (stdout: its summary) and ingest.stderr.log, progress to stderr.

Old files: a run stores about 12,000 files (540 MB). The reset used to delete the previous
run's files just before measuring; on this machine's ext4 (no journal) the inode allocator then
skips recently deleted inodes for a minute or more (perf: find_inode_bit, recently_deleted), and
each file the import creates cost 150-800 µs instead of about 20 µs: the bench charged the
import for its own cleanup. They are now set aside, and deleted only by --delete-old-files.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import common
import make_maildir
import psycopg
from seed import recreate_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA_DIR = RESULTS / "ingest-data"
OLD_DATA = RESULTS / "ingest-data.old"
PYCACHE = RESULTS / "pycache"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_bench"
DEFAULT_NAME = "atiende_bench_ingest"
TARGET_PER_S = 500
HEADLINE_TABLES = ("tickets_ticket", "tickets_message", "tickets_attachment")


def main() -> None:
    args = parse_args()
    if args.delete_old_files:
        shutil.rmtree(OLD_DATA, ignore_errors=True)
        progress(f"deleted {OLD_DATA}; wait a few minutes before measuring (see --help)")
        return
    url = database_url(args.database_url, args.database_name, reset=args.reset)
    atiende = Path(sys.executable).with_name("atiende")
    configure_environment(url, args.redis_url)  # for the command, and for Django in this process
    require_ingest_command(atiende)
    maildir = args.maildir or RESULTS / (
        "maildir-10k" if args.messages == 10_000 else f"maildir-{args.messages}")
    expected = ensure_maildir(maildir, args.messages, args.seed, regenerate=args.regenerate)
    if args.reset:
        reset(url, args.database_name, atiende)
    before = row_counts(url)
    command = [str(atiende), "mail", "ingest", str(maildir), *shlex.split(args.ingest_args)]
    progress(f"running {shlex.join(command)}")
    run = run_ingest(command, args.database_name)
    report = make_report(args, command, run, expected, created_rows(before, row_counts(url)))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(text)
    if run["exit_code"] != 0:
        sys.exit(f"`atiende mail ingest` exited with {run['exit_code']}: see {RESULTS}/ingest*.log")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=make_maildir.DEFAULT_MESSAGES)
    p.add_argument("--seed", type=int, default=make_maildir.DEFAULT_SEED, help="of the Maildir")
    p.add_argument("--maildir", type=Path, help="default bench/results/maildir-10k (or -<N>)")
    p.add_argument("--regenerate", action="store_true", help="write the Maildir again")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                   help="server and credentials; the database used is --database-name")
    p.add_argument("--database-name", default=DEFAULT_NAME)
    p.add_argument("--reset", action=argparse.BooleanOptionalAction, default=True,
                   help="drop, recreate and migrate the database first (default: on)")
    p.add_argument("--redis-url", help="broker for background work (default: none, in-process)")
    p.add_argument("--ingest-args", default="", help="more arguments for `atiende mail ingest`")
    p.add_argument("--delete-old-files", action="store_true",
                   help=f"delete the storage of earlier runs ({OLD_DATA}) and do nothing else")
    return p.parse_args()


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- where and how it runs ----------------------------------------------------------------------

def database_url(server_url: str, name: str, *, reset: bool) -> str:
    """The URL of database `name` on the server of `server_url`, if it is safe to use."""
    if not name or name == "atiende" or name.startswith("test_") or name in (
            "postgres", "template0", "template1"):
        sys.exit(f"refusing to ingest into database {name!r}: use a dedicated one such as "
                 f"{DEFAULT_NAME}")
    given = urlsplit(server_url).path.lstrip("/")
    if reset and name == given:
        sys.exit(f"refusing to drop {name!r}, the database of --database-url (the seeded bench "
                 f"data): ingest into another one (--database-name), or pass --no-reset")
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def configure_environment(url: str, redis_url: str | None) -> None:
    """Our environment as an admin's shell would have it for this database, minus the integrations
    that would send mail or queue work elsewhere."""
    for key in ("ATIENDE_ENV", "REDIS_URL", "EMAIL_URL", "PYTHONDONTWRITEBYTECODE"):
        os.environ.pop(key, None)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="atiende.settings.base",
                      DEBUG="false",  # DEBUG would keep every query in memory
                      ATIENDE_DATA_DIR=str(DATA_DIR),
                      PYTHONPYCACHEPREFIX=str(PYCACHE))  # bytecode outside the source tree
    if redis_url:
        os.environ["REDIS_URL"] = redis_url


def require_ingest_command(atiende: Path) -> None:
    if not atiende.exists():
        sys.exit(f"{atiende} is missing: run `make setup` and use .venv/bin/python")
    result = subprocess.run([str(atiende), "mail", "ingest", "--help"], capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        said = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        # Django's "Unknown command" comes first, a traceback's exception last.
        gist = " … ".join(dict.fromkeys(said[:1] + said[-1:]))
        sys.exit("`atiende mail ingest` is not available yet, so there is nothing to measure"
                 + (f" (it said: {gist})" if said else ""))


def ensure_maildir(maildir: Path, messages: int, seed: int, *, regenerate: bool) -> dict:
    """Write the Maildir unless it is there with the right number of messages; what it holds."""
    found = sum(1 for sub in ("cur", "new") if (maildir / sub).is_dir()
                for _ in (maildir / sub).iterdir())
    if found != messages or regenerate:
        if maildir.exists():
            if RESULTS not in maildir.resolve().parents:
                sys.exit(f"{maildir} holds {found} messages, not {messages}: remove it or pass "
                         f"another --maildir")
            shutil.rmtree(maildir)
        progress(f"writing {messages:,} messages to {maildir}")
        counts = make_maildir.generate(maildir, messages, seed)
        progress(f"  done in {counts['seconds']} s ({counts['bytes'] / 1e6:.0f} MB)")
        return counts
    return make_maildir.summary(make_maildir.plan(messages, seed))  # the same, without writing


def reset(url: str, name: str, atiende: Path) -> None:
    started = time.perf_counter()
    recreate_database(url, name)
    set_aside_old_files()
    migrate = subprocess.run([str(atiende), "migrate", "--no-input", "-v", "0"], cwd=ROOT)
    if migrate.returncode != 0:
        sys.exit("`atiende migrate` failed on the fresh database")
    load_world()
    seconds = time.perf_counter() - started
    progress(f"database {name} recreated, migrated and given a team in {seconds:.1f} s")


def set_aside_old_files() -> None:
    """Move the previous run's storage away instead of deleting it (see "Old files" above)."""
    if not DATA_DIR.exists():
        return
    OLD_DATA.mkdir(parents=True, exist_ok=True)
    DATA_DIR.rename(OLD_DATA / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    kept = sum(1 for _ in OLD_DATA.iterdir())
    progress(f"the previous run's files are in {OLD_DATA} ({kept} runs kept; --delete-old-files)")


def load_world() -> None:
    """An admin agent and the support team, made the way the application makes them."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create, team_create, team_update

    admin = agent_create(email="admin@nopal.mx", name="Administración Nopal", role=Role.ADMIN)
    team = team_create(actor=admin, name="Soporte", description="Correo de soporte@nopal.mx")
    team_update(actor=admin, team=team, members=[admin])
    connection = connections["default"]
    connection.close()
    if hasattr(connection, "close_pool"):  # PostgreSQL's pool keeps idle connections open
        connection.close_pool()


# --- measuring --------------------------------------------------------------------------------

def run_ingest(command: list[str], database_name: str) -> dict:
    """Run the command once: its wall time, CPU and peak memory (wait4), the machine's CPU."""
    common.DB_NAME = database_name  # count the PostgreSQL backends of this database only
    meter = common.CpuMeter(server_pid=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_path, err_path = RESULTS / "ingest.log", RESULTS / "ingest.stderr.log"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        meter.start()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        cpu = meter.stop()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    errors = err_path.read_text(errors="replace").splitlines()
    return {
        "wall_s": wall,
        "exit_code": process.returncode,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kB on Linux
        "cpu": cpu,
        "output": out_path.read_text(errors="replace").splitlines()[-20:],  # the summary
        "stderr_lines": len(errors),
        "stderr_tail": errors[-5:],
    }


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the database (exact counts: these tables are small here)."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables}


def created_rows(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {table: count - before.get(table, 0) for table, count in after.items()
            if count != before.get(table, 0)}


def stored_bytes() -> int:
    return sum(path.stat().st_size for path in DATA_DIR.rglob("*") if path.is_file())


def code_version() -> dict:
    """The commit measured and how many tracked files differed from it (read-only git)."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT)
        return result.stdout.strip() if result.returncode == 0 else ""

    modified = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "modified_tracked_files": len(modified.splitlines())}


def make_report(args: argparse.Namespace, command: list[str], run: dict, expected: dict,
                created: dict[str, int]) -> dict:
    per_s = args.messages / run["wall_s"]
    measured = run["cpu"]
    cpu = {"ingest process (and this script, idle)": measured["load generator"]} | {
        name: measured[name] for name in ("postgresql", "postgresql exited backends", "other")}
    return {
        "command": shlex.join(command),
        "code": code_version(),
        "database": args.database_name,
        "reset": args.reset,
        "background_work": "redis" if args.redis_url else "in-process",
        "messages": args.messages,
        "wall_s": round(run["wall_s"], 2),
        "messages_per_s": round(per_s, 1),
        "target_messages_per_s": TARGET_PER_S,
        "verdict": common.verdict(per_s, TARGET_PER_S, higher_is_better=True),
        "exit_code": run["exit_code"],
        "ingest_process": {
            "user_s": round(run["user_s"], 2), "sys_s": round(run["sys_s"], 2),
            "cpu_ms_per_message": round(1000 * (run["user_s"] + run["sys_s"]) / args.messages, 2),
            "peak_rss_mb": round(run["peak_rss_mb"], 1),
        },
        "cpu_percent_of_one_core": cpu,
        "rows_created": {table: created.get(table, 0) for table in HEADLINE_TABLES},
        "expected_from_the_maildir": {
            "tickets (one per new conversation)": expected["new_conversations"],
            "inbound messages": expected["messages"],
            "replies (threaded onto earlier messages)": expected["replies"],
            "attachments": expected["with_attachment"],
            "distinct senders": expected["senders"],
        },
        "rows_created_by_table": created,
        "stored_mb": round(stored_bytes() / 1e6, 1),
        "command_output": run["output"],
        "command_stderr": {"lines": run["stderr_lines"], "last": run["stderr_tail"]},
        "maildir": expected,
    }


if __name__ == "__main__":
    main()
