"""Mixed traffic for minutes on end (issue 18): everything a busy helpdesk does at once, against
`atiende serve` on the bench database, with zero errors allowed, p95 per page, and the web
workers' memory sampled over the run (flat = no growth).

    .venv/bin/python bench/load_mixed.py                      # 10 minutes, starts its own server
    .venv/bin/python bench/load_mixed.py --duration 120       # a 2-minute try

Who is on it at once (an asyncio client; each actor waits 0.2–1 s between steps, `--think` to
change it, so the mix — not one page in a closed loop — is what is measured; each starts at a
random moment of its first pause, not all in the same instant):
- agents (`--agents`, sessions of the bench's agents): the inbox `GET /bandeja/`, a ticket page
  `GET /tickets/<n>/` from their teams, and every third step a public reply through the API
  (`POST /api/v1/tickets/<id>/messages/`, the agent's token);
- customers in the portal (`--customers`, sessions of requesters): their requests `GET /soporte/`
  and one request's page `GET /soporte/solicitudes/<n>/`;
- API clients (`--api-clients`, agent tokens): the team's open tickets, a ticket, and every fifth
  step a new ticket;
- email arriving (`--mail-per-second`): raw messages posted to the inbound endpoint
  `POST /api/v1/mail/inbound/` (the path a mail relay uses), new requests and replies `[#n]`;
- websockets (`--sockets`): agents' inbox sockets `ws/inbox/` held open for the whole run; one
  that closes counts as an error.

An error is any exception or a status other than the expected one (a 302 to sign-in included).
Memory: VmRSS of each uvicorn worker (and Celery process) every 10 s; the report compares the second minute (after
warm-up) with the last.
The server is started here as production runs it: `atiende serve` (two workers) and an `atiende
worker` (Celery, with beat) on Redis (`--redis-url`, a database number of its own, emptied first),
so background work (delivery, notifications, the reply record) leaves the requests; `--embedded`
runs the embedded default instead (no Redis: that work runs in-process, inside the requests). With
MAIL_INBOUND_SECRET set and API_RATE_USER raised; `--base-url URL --server-pid PID` use one you run
(with MAIL_INBOUND_SECRET=bench-inbound-secret).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from email.utils import make_msgid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

MAIL_SECRET = "bench-inbound-secret"
TARGETS_MS = {"inbox": 80, "ticket page": 60, "portal home": 80, "portal request": 60, "api list": 40,
              "api ticket": 30, "api reply": 60, "api create": 60, "mail inbound": 150}
SESSION_AGE = 7 * 24 * 3600


# --- in a helper process with Django set up against the bench database -------------------------

def django_part(spec: dict) -> dict:
    """Sessions for agents and customers, and what each may open."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from atiende.accounts.models import User
    from atiende.tickets.models import Ticket

    def session_for(user: User) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(SESSION_AGE)
        session.create()
        return session.session_key

    agents = []
    for user in User.objects.filter(pk__in=spec["agent_ids"]).order_by("pk"):
        tickets = list(Ticket.objects.filter(team__in=user.teams.all(), status="open").order_by("-updated_at")
                       .values_list("pk", "number")[:200])
        agents.append({"id": user.pk, "session": session_for(user), "tickets": tickets})
    customers = []
    requesters = (Ticket.objects.filter(requester__user__isnull=False, requester__organization__isnull=True)
                  .order_by("-updated_at").values_list("requester__user_id", flat=True).distinct()[:spec["customers"] * 5])
    for user in User.objects.filter(pk__in=list(requesters)[:spec["customers"]]):
        numbers = list(Ticket.objects.filter(requester__user=user).values_list("number", flat=True)[:20])
        customers.append({"id": user.pk, "session": session_for(user), "numbers": numbers})
    return {"agents": agents, "customers": customers, "session_cookie": settings.SESSION_COOKIE_NAME}


def run_django_part(info: dict, spec: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ATIENDE_ENV"}
    env.update(DATABASE_URL=info["database_url"], DEBUG="false", DJANGO_SETTINGS_MODULE="atiende.settings.base",
               ATIENDE_DATA_DIR=str(common.RESULTS / "data"), DATABASE_POOL_MIN="1")
    proc = subprocess.run([sys.executable, __file__, "--django-part", json.dumps(spec)], env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"the in-process part failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the load -----------------------------------------------------------------------------------

class Tally:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []

    def ok(self, label: str, seconds: float) -> None:
        self.times.setdefault(label, []).append(seconds * 1000)

    def error(self, label: str, what: str) -> None:
        self.errors[label] = self.errors.get(label, 0) + 1
        if len(self.samples) < 20:
            self.samples.append(f"{label}: {what}"[:300])


async def timed(tally: Tally, label: str, request, expect: int, check=None):
    started = time.perf_counter()
    try:
        response = await request
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error
        tally.error(label, f"{type(exc).__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - started
    if response.status_code != expect or (check and not check(response)):
        tally.error(label, f"{response.status_code} {response.headers.get('location', '')} {response.text[:120]!r}")
        return None
    tally.ok(label, elapsed)
    return response


def client_limits():
    """Idle connections dropped before uvicorn's 5 s keep-alive ends: reusing one the server is
    closing fails without a response ("Server disconnected"), which a browser would just retry."""
    import httpx

    return httpx.Limits(keepalive_expiry=4)


THINK_SECONDS = [0.2, 1.0]  # between an actor's steps; --think sets it for the run


async def pause() -> None:
    await asyncio.sleep(random.uniform(*THINK_SECONDS))


async def arrive() -> None:
    """Each actor's first step at a random moment of the first pause, as people do: all started
    at once, the first requests of every actor queued together (5-8 s on two cores with 40
    agents), which is a server's restart, not the mix this measures."""
    await asyncio.sleep(random.uniform(0, THINK_SECONDS[1]))


async def agent(base: str, cookie: tuple[str, str], token: str, tickets: list, tally: Tally, until: float) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, cookies=dict([cookie]), timeout=30, limits=client_limits()) as client:
        await arrive()
        step = 0
        while time.monotonic() < until:
            step += 1
            await timed(tally, "inbox", client.get("/bandeja/"), 200, lambda r: 'id="inbox-rows"' in r.text)
            await pause()
            ticket_id, number = random.choice(tickets)
            await timed(tally, "ticket page", client.get(f"/tickets/{number}/"), 200, lambda r: "data-message-id" in r.text)
            if step % 3 == 0:
                await pause()
                await timed(tally, "api reply", client.post(
                    f"/api/v1/tickets/{ticket_id}/messages/", headers={"Authorization": f"Token {token}"},
                    json={"body": f"Respuesta de carga {step}: ya lo revisamos, gracias."}), 201)
            await pause()


async def customer(base: str, cookie: tuple[str, str], numbers: list[int], tally: Tally, until: float) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, cookies=dict([cookie]), timeout=30, limits=client_limits()) as client:
        await arrive()
        while time.monotonic() < until:
            await timed(tally, "portal home", client.get("/soporte/"), 200)
            await pause()
            await timed(tally, "portal request", client.get(f"/soporte/solicitudes/{random.choice(numbers)}/"), 200)
            await pause()


async def api_client(base: str, token: str, team: int, tickets: list, tally: Tally, until: float) -> None:
    import httpx

    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=client_limits()) as client:
        await arrive()
        step = 0
        while time.monotonic() < until:
            step += 1
            await timed(tally, "api list", client.get(f"/api/v1/tickets/?team={team}&status=open&ordering=-updated_at"),
                        200, lambda r: "results" in r.json())
            await pause()
            await timed(tally, "api ticket", client.get(f"/api/v1/tickets/{random.choice(tickets)[0]}/"), 200)
            if step % 5 == 0:
                await timed(tally, "api create", client.post("/api/v1/tickets/", json={
                    "subject": f"Alta por API {step}", "body": "No llega la factura de noviembre.",
                    "requester": f"integracion{random.randint(1, 500)}@example.mx"}), 201)
            await pause()


def raw_mail(n: int, numbers: list[int]) -> bytes:
    sender = f"remitente{random.randint(1, 3000)}@correo.example.mx"
    if numbers and n % 3 == 0:  # a reply on an existing request, by its number in the subject
        subject = f"Re: [#{random.choice(numbers)}] Mi solicitud"
    else:
        subject = f"No puedo entrar a mi correo ({n})"
    return (f"From: Cliente <{sender}>\r\nTo: soporte@nopal.mx\r\nSubject: {subject}\r\n"
            f"Message-ID: {make_msgid(domain='correo.example.mx')}\r\nDate: Mon, 07 Dec 2026 10:00:00 -0600\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Hola, desde ayer no puedo entrar. ¿Me ayudan?\r\n").encode()


async def mail(base: str, rate: float, numbers: list[int], tally: Tally, until: float) -> None:
    import httpx

    headers = {"X-Atiende-Mail-Secret": MAIL_SECRET, "Content-Type": "message/rfc822"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=client_limits()) as client:
        n = 0
        while time.monotonic() < until:
            n += 1
            await timed(tally, "mail inbound", client.post("/api/v1/mail/inbound/", content=raw_mail(n, numbers)), 200)
            await asyncio.sleep(1 / rate)


async def socket(base: str, cookie: tuple[str, str], tally: Tally, until: float, events: list[int]) -> None:
    import websockets

    url = base.replace("http://", "ws://") + "/ws/inbox/"
    try:
        async with websockets.connect(url, additional_headers={"Cookie": f"{cookie[0]}={cookie[1]}", "Origin": base},
                                      open_timeout=60) as ws:
            while time.monotonic() < until:
                try:
                    await asyncio.wait_for(ws.recv(), timeout=max(0.1, until - time.monotonic()))
                    events[0] += 1
                except TimeoutError:
                    break
        tally.ok("websocket held", 0)
    except Exception as exc:  # noqa: BLE001
        tally.error("websocket held", f"{type(exc).__name__}: {exc}")


async def sample_memory(server_pid: int, worker_pid: int, until: float,
                        rows: list[tuple[float, dict[int, int]]]) -> None:
    """VmRSS (kB) every 10 s of the web workers and, in the production layout, of the Celery
    worker's processes (its main process and its pool)."""
    started = time.monotonic()
    while time.monotonic() < until:
        pids = common.worker_pids(server_pid) + ([worker_pid, *common.descendants(worker_pid)] if worker_pid else [])
        rows.append((time.monotonic() - started, {pid: common.memory(pid).get("VmRSS", 0) for pid in pids}))
        await asyncio.sleep(10)


async def load(args, setup: dict, info: dict) -> tuple[Tally, list, list[int]]:
    tally, memory, events = Tally(), [], [0]
    until = time.monotonic() + args.duration
    base, name = args.base_url, setup["session_cookie"]
    people = {entry["id"]: entry for entry in [info["agent"], *info.get("clients", [])]}  # token and teams
    agents = [a for a in setup["agents"] if a["tickets"]]
    numbers = [number for a in agents for _id, number in a["tickets"]]
    jobs = [sample_memory(args.server_pid, args.worker_pid, until, memory)]
    for n in range(args.agents):  # an agent's session, their own token, tickets of their teams
        who = agents[n % len(agents)]
        jobs.append(agent(base, (name, who["session"]), people[who["id"]]["token"], who["tickets"], tally, until))
    for n in range(args.customers):
        who = setup["customers"][n % len(setup["customers"])]
        jobs.append(customer(base, (name, who["session"]), who["numbers"], tally, until))
    for n in range(args.api_clients):
        who = agents[n % len(agents)]
        jobs.append(api_client(base, people[who["id"]]["token"], people[who["id"]]["teams"][0], who["tickets"],
                               tally, until))
    jobs.append(mail(base, args.mail_per_second, numbers, tally, until))
    for n in range(args.sockets):
        jobs.append(socket(base, (name, agents[n % len(agents)]["session"]), tally, until, events))
    await asyncio.gather(*jobs)
    return tally, memory, events


def start_server(info: dict, workers: int, redis_url: str) -> tuple[list[subprocess.Popen], str]:
    """`atiende serve` on a free port, and with `redis_url` the production layout: background work
    goes through Redis to an `atiende worker` (Celery) instead of running inside the requests."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ATIENDE_ENV", "REDIS_URL", "EMAIL_URL")}
    env.update(DATABASE_URL=info["database_url"], DEBUG="false", DJANGO_SETTINGS_MODULE="atiende.settings.base",
               ATIENDE_DATA_DIR=str(common.RESULTS / "data"), MAIL_INBOUND_SECRET=MAIL_SECRET, API_RATE_USER="100000/min")
    # The bench database was seeded by an older tree, perhaps: a column the code reads and it lacks
    # made every request a 500 (session 14). Migrate it as a deploy would before serving.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=common.ROOT,
                   check=True)
    started = []
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # the bench's own database number: no jobs left from a run before
        env["REDIS_URL"] = redis_url
        worker_log = open(common.RESULTS / "load-worker.log", "w")
        started.append(subprocess.Popen([sys.executable, "-m", "atiende.cli", "worker"], env=env, stdout=worker_log,
                                        stderr=worker_log, start_new_session=True))
    log = open(common.RESULTS / "load-server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "atiende.cli", "serve", "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=log, stderr=log, start_new_session=True)
    started.insert(0, server)
    url = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(600):
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return started, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become ready; see bench/results/load-server.log")


def _free_port() -> int:
    import socket as sockets

    with sockets.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def report(args, tally: Tally, memory: list, events: list[int]) -> dict:
    print(f"\nMIXED LOAD for {args.duration:.0f} s: {args.agents} agents, {args.customers} portal customers, "
          f"{args.api_clients} API clients, {args.mail_per_second}/s inbound mail, {args.sockets} websockets")
    print(f"  {'page':16} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'target':>7} {'errors':>7}")
    pages = {}
    for label in sorted(set(tally.times) | set(tally.errors)):
        times = sorted(tally.times.get(label, []))
        p95 = common.percentile(times, 95) if times else 0
        target = TARGETS_MS.get(label)
        row = {"requests": len(times), "p50": common.percentile(times, 50) if times else 0, "p95": p95,
               "p99": common.percentile(times, 99) if times else 0, "max": times[-1] if times else 0,
               "errors": tally.errors.get(label, 0), "target": target}
        pages[label] = row
        print(f"  {label:16} {row['requests']:>9} {row['requests'] / args.duration:>7.1f} {row['p50']:>8.1f} "
              f"{row['p95']:>8.1f} {row['p99']:>8.1f} {row['max']:>8.1f} {target or '-':>7} {row['errors']:>7}")
    errors = sum(tally.errors.values())
    print(f"  errors: {errors}" + "".join(f"\n    {s}" for s in tally.samples))
    print(f"  websocket events received: {events[0]}")
    growth = memory_report(memory)
    return {"pages": pages, "errors": errors, "memory_growth_mb": growth, "socket_events": events[0]}


def memory_report(memory: list) -> dict:
    """Per worker: average RSS over the second minute (the first warms caches up) and the last
    minute, in MB; runs under five minutes compare the first and the last minute."""
    if not memory:
        return {}
    end = memory[-1][0]
    start = 60 if end >= 300 else 0
    first = [row for at, row in memory if start <= at <= start + 60]
    last = [row for at, row in memory if at >= end - 60]
    growth = {}
    print(f"  process RSS (MB): minute {start // 60 + 1} -> last minute (max)")
    for pid in memory[-1][1]:
        def mean(rows, pid=pid):
            values = [row[pid] for row in rows if pid in row]
            return sum(values) / len(values) / 1024 if values else 0
        peak = max(row.get(pid, 0) for _at, row in memory) / 1024
        growth[pid] = round(mean(last) - mean(first), 1)
        print(f"    {common.process_kind(pid):14} {pid}: {mean(first):.1f} -> {mean(last):.1f} (max {peak:.1f}), growth {growth[pid]:+.1f}")
        # Minute by minute too: a worker that levels off and one that keeps growing can end alike.
        minutes = [mean([row for at, row in memory if minute * 60 <= at < minute * 60 + 60])
                   for minute in range(int(end // 60) + 1)]
        print(f"      by minute: {' '.join(f'{value:.1f}' for value in minutes if value)}")
    return growth


def main() -> None:
    p = common.parser(__doc__)
    p.set_defaults(duration=float(os.environ.get("BENCH_DURATION_MIXED", "600")))
    p.add_argument("--agents", type=int, default=8)
    p.add_argument("--customers", type=int, default=4)
    p.add_argument("--api-clients", type=int, default=2)
    p.add_argument("--mail-per-second", type=float, default=1.0)
    p.add_argument("--sockets", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
                   help="the broker of the production layout (this database number is emptied first)")
    p.add_argument("--think", default="0.2-1", metavar="MIN-MAX",
                   help="seconds each actor waits between steps (a busy mix by default; '3-10' is human-paced)")
    p.set_defaults(worker_pid=0)
    p.add_argument("--embedded", action="store_true",
                   help="the embedded default instead: no Redis, background work inside the web workers")
    args = p.parse_args()
    THINK_SECONDS[:] = [float(part) for part in args.think.split("-", 1)]
    common.print_command()
    info = common.load_tokens(args.tokens)
    started: list[subprocess.Popen] = []
    if not args.server_pid:  # no server given: start one (and its worker)
        started, args.base_url = start_server(info, args.workers, "" if args.embedded else args.redis_url)
        args.server_pid = started[0].pid
        args.worker_pid = started[1].pid if len(started) > 1 else 0
    try:
        # At least one agent's session: the websockets and the mail's ticket numbers use it, so
        # `--agents 0 --customers 0 --api-clients 0` leaves the sockets and the mail alone.
        agent_ids = [info["agent"]["id"], *[c["id"] for c in info.get("clients", [])]][:max(1, args.agents)]
        setup = run_django_part(info, {"agent_ids": agent_ids, "customers": args.customers})
        tally, memory, events = asyncio.run(load(args, setup, info))
        result = report(args, tally, memory, events)
        common.save("load_mixed", {"argv": sys.argv, "duration": args.duration, **result})
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    if result["errors"]:
        sys.exit(f"{result['errors']} errors")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--django-part":
        print(json.dumps(django_part(json.loads(sys.argv[2]))))
    else:
        main()
