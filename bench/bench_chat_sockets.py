"""Chat widget sockets under load: N concurrent visitor websockets on `atiende serve` (uvicorn,
2 worker processes, Redis channel layer, PostgreSQL), agents replying at a steady rate through the
API; the figure is the time from the agent's POST leaving to the visitor's socket receiving the
reply (so it includes the API request, the commit, the Redis hop and the consumer's read).

    .venv/bin/python bench/bench_chat_sockets.py --sockets 2000 --rate 20 --duration 60

It recreates the database `atiende_bench_chat` (`--database-url`), migrates it, creates a site,
an agent with an API token and one chat session per socket (through `chat.services`), starts the
server on a free port, opens the sockets (from this one process), sends, then reads the workers'
peak RSS (VmHWM). Targets (chat issue): p95 <= 150 ms at 20 messages/s with 2,000 sockets;
worker memory <= 250 MB. Results in bench/results/chat_sockets.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "https://tienda.bench"


def bench_env(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ATIENDE_ENV"}
    env.update(DATABASE_URL=args.database_url, REDIS_URL=args.redis_url,
               ATIENDE_DATA_DIR=str(common.RESULTS / "chat-data"), DJANGO_SETTINGS_MODULE="atiende.settings.base")
    return env


def reset_database(args) -> None:
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    if name in ("atiende",) or name.startswith("test_"):
        sys.exit(f"refusing to reset {name}")
    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([str(ROOT / ".venv/bin/atiende"), "migrate", "-v", "0"], env=bench_env(args), check=True)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()


SEED = """
import json, sys, time
import django
django.setup()
from atiende.accounts.models import Role, Team
from atiende.accounts.services import agent_create, token_issue
from atiende.chat.services import session_start, site_create
team = Team.objects.create(name="Chat")
agent = agent_create(email="chat@bench.mx", name="Agente Chat", role=Role.AGENT, password="x" * 16, teams=[team])
token = token_issue(user=agent)
site = site_create(name="Tienda", allowed_origins=[sys.argv[2]], team=team, max_chats_per_agent=50)
sessions, started = [], time.monotonic()
for n in range(int(sys.argv[1])):
    s = session_start(site=site, origin=sys.argv[2], name=f"V{n}", email=f"v{n}@bench.mx", question=f"Pregunta {n}")
    sessions.append({"id": s.session.public_id, "token": s.token, "ticket": s.session.ticket_id})
json.dump({"token": token, "sessions": sessions, "seconds": round(time.monotonic() - started, 1)}, sys.stdout)
"""


def seed(args) -> dict:
    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", SEED, str(args.sockets), ORIGIN], env=bench_env(args),
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, port: int) -> subprocess.Popen:
    log = open(common.RESULTS / "chat-server.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen([str(ROOT / ".venv/bin/atiende"), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(args.workers), "--no-collectstatic"],
                              env=bench_env(args), stdout=log, stderr=subprocess.STDOUT)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    sys.exit("the server did not start (bench/results/chat-server.log)")


async def run_load(args, port: int, seeded: dict) -> dict:
    import httpx
    import websockets

    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    warm: set[str] = set()  # replies sent during the warm-up: delivered, not counted
    opened = failed = 0
    sockets = []

    async def visitor(session: dict, ready: asyncio.Event) -> None:
        nonlocal opened, failed
        url = f"ws://127.0.0.1:{port}/ws/chat/{session['id']}/?token={session['token']}"
        try:
            async with websockets.connect(url, origin=ORIGIN, open_timeout=60, ping_interval=None,
                                          max_size=2**20) as ws:
                first = json.loads(await ws.recv())
                if first.get("type") != "ready":
                    raise RuntimeError(first)
                opened += 1
                sockets.append(ws)
                ready.set()
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "message":
                        text = frame["message"]["text"]
                        if text in sent_at:
                            took = (time.perf_counter() - sent_at.pop(text)) * 1000
                            if text not in warm:
                                latencies.append(took)
        except (TimeoutError, OSError, websockets.WebSocketException, RuntimeError):
            failed += 1
            ready.set()

    tasks, gate = [], asyncio.Semaphore(args.connect_concurrency)
    started = time.monotonic()

    async def open_one(session: dict) -> None:
        async with gate:
            ready = asyncio.Event()
            tasks.append(asyncio.create_task(visitor(session, ready)))
            await ready.wait()

    await asyncio.gather(*(open_one(s) for s in seeded["sessions"]))
    connect_seconds = time.monotonic() - started
    print(f"  {opened} sockets open, {failed} failed, in {connect_seconds:.1f} s")

    errors = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                 headers={"Authorization": f"Token {seeded['token']}"}) as client:
        async def reply(n: int, session: dict) -> None:
            nonlocal errors
            text = f"bench:{n}"
            sent_at[text] = time.perf_counter()
            response = await client.post(f"/api/v1/tickets/{session['ticket']}/messages/", json={"body": text})
            if response.status_code != 201:
                errors += 1
                sent_at.pop(text, None)

        pending, interval, n = [], 1 / args.rate, 0
        begin = time.perf_counter()
        while time.perf_counter() - begin < args.warmup + args.duration:
            n += 1
            if time.perf_counter() - begin < args.warmup:
                warm.add(f"bench:{n}")
            pending.append(asyncio.create_task(reply(n, random.choice(seeded["sessions"]))))
            await asyncio.sleep(max(0.0, begin + n * interval - time.perf_counter()))
        await asyncio.gather(*pending)
        await asyncio.sleep(3)  # the last replies' way to the sockets
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {"sockets_open": opened, "sockets_failed": failed, "connect_seconds": round(connect_seconds, 1),
            "sent": n - len(warm), "warmup_sent": len(warm), "api_errors": errors, "received": len(latencies), "lost": len(set(sent_at) - warm),
            "p50_ms": round(common.percentile(latencies, 50), 1), "p95_ms": round(common.percentile(latencies, 95), 1),
            "p99_ms": round(common.percentile(latencies, 99), 1), "max_ms": round(latencies[-1], 1) if latencies else None}


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--sockets", type=int, default=2000)
    p.add_argument("--rate", type=float, default=20.0, help="agent replies per second")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connect-concurrency", type=int, default=50)
    p.add_argument("--database-url", default=os.environ.get("BENCH_CHAT_DATABASE_URL",
                                                           "postgres://postgres@127.0.0.1:5432/atiende_bench_chat"))
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
    args = p.parse_args()
    common.print_command()
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"CHAT SOCKETS: {args.sockets} visitor websockets, agent replies at {args.rate}/s for {args.duration:.0f} s "
          f"after {args.warmup:.0f} s of warm-up")
    reset_database(args)
    seeded = seed(args)
    print(f"  seeded {len(seeded['sessions'])} chat sessions in {seeded['seconds']} s")
    port = free_port()
    server = start_server(args, port)
    try:
        result = asyncio.run(run_load(args, port, seeded))
        rows = common.memory_report(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    peak = max((r.get("VmHWM", 0) for r in rows), default=0) / 1024
    result["worker_peak_rss_mb"] = round(peak, 1)
    result["workers"] = rows
    print(f"  sent {result['sent']}, received {result['received']}, lost {result['lost']}, API errors {result['api_errors']}")
    print(f"  agent -> visitor latency: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
          f"(target <= 150 ms: {common.verdict(result['p95_ms'], 150)}), p99 {result['p99_ms']} ms, max {result['max_ms']} ms")
    print(f"  highest peak RSS of one worker: {peak:.1f} MB (target <= 250 MB: {common.verdict(peak, 250)})")
    common.save("chat_sockets", result)


if __name__ == "__main__":
    main()
