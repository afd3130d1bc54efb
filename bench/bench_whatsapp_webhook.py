"""The WhatsApp webhook under load: signed POSTs as Meta sends them, stored and acknowledged.

Target (WhatsApp issue): >= 300 requests/s with p95 <= 50 ms. Processing (tickets, replies) is
not measured: it runs after the response, on the Celery broker (`--redis-url`, the production
shape; no worker is started, so events stay queued) or, with `--redis-url ""`, on the embedded
default's in-process thread, which then shares the CPU with the requests.

It prepares its own database (migrate, one connected number), writes `--bodies` distinct
notifications (one text message each, a unique wamid, an accented Spanish text from a 521 number),
each signed with the app secret, starts `atiende serve` on a free port, and sends them with wrk
(a Lua script reads the file; every request is a new body, as from Meta), 3 rounds, median
reported. At the end it checks that every acknowledged body was stored.

    .venv/bin/python bench/bench_whatsapp_webhook.py --database-url postgres://postgres@127.0.0.1:5432/atiende_h_wa_bench
    .venv/bin/python bench/bench_whatsapp_webhook.py --database-url sqlite
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

APP_SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "106540352242922"
TEXTS = ["Hola, mi pedido llegó dañado, ¿qué hago?", "¿Tienen envío a Mérida? Gracias.",
         "Buenas tardes, necesito mi factura del pedido 4521.", "¿A qué hora abren la sucursal de Coyoacán?"]

LUA = r"""
local sigs, bodies = {}, {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  local tab = string.find(line, "\t", 1, true)
  sigs[#sigs + 1] = string.sub(line, 1, tab - 1)
  bodies[#bodies + 1] = string.sub(line, tab + 1)
end
local counter = tonumber(os.getenv("BENCH_OFFSET"))
local path = os.getenv("BENCH_PATH")

request = function()
  counter = counter + 1
  local i = (counter % #bodies) + 1
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
                                   ["X-Hub-Signature-256"] = sigs[i]}, bodies[i])
end
"""


def notification(n: int, run: str) -> bytes:
    wa_id = f"52155{n % 100000000:08d}"
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "5215550001111", "phone_number_id": PHONE_NUMBER_ID},
             "contacts": [{"profile": {"name": "José Pérez Núñez"}, "wa_id": wa_id}],
             "messages": [{"from": wa_id, "id": f"wamid.HBgNNTIxNTUx{run}{n:010d}", "timestamp": str(1765000000 + n),
                           "type": "text", "text": {"body": TEXTS[n % len(TEXTS)]}}]}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]},
                      ensure_ascii=False).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def atiende(env: dict, *args: str, capture: bool = False) -> str:
    proc = subprocess.run([str(common.ROOT / ".venv/bin/atiende"), *args], env=env, check=True,
                          capture_output=capture, text=True)
    return proc.stdout if capture else ""


SETUP = """
from atiende.whatsapp.models import WebhookEvent, WhatsAppNumber
WebhookEvent.objects.all().delete()
number, _ = WhatsAppNumber.objects.update_or_create(phone_number_id="{pid}", defaults=dict(
    name="Bench", verify_token="v", app_secret="{secret}", access_token="t", api_base="http://127.0.0.1:9/v21.0"))
print(number.pk)
"""
COUNT = "from atiende.whatsapp.models import WebhookEvent; print(WebhookEvent.objects.count())"


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", "sqlite"),
                   help='postgres://… (its own database: it is migrated and its events deleted) or "sqlite"')
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/3",
                   help='the broker processing is queued on; "" runs it in the server (embedded default)')
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--bodies", type=int, default=60000)
    args = p.parse_args()
    common.print_command()
    if common.client_kind(args.client) != "wrk":
        sys.exit("This bench needs wrk (apt-get install -y wrk): the bodies are signed and read from a file.")
    data_dir = Path(tempfile.mkdtemp(prefix="bench-wa-", dir=common.RESULTS if common.RESULTS.exists() else None))
    env = {k: v for k, v in os.environ.items() if k not in ("ATIENDE_ENV", "DATABASE_URL", "REDIS_URL")}
    # A fixed key: the number stored by an earlier run stays readable (the start-up check insists).
    env.update(DEBUG="false", ATIENDE_DATA_DIR=str(data_dir), LOG_LEVEL="WARNING",
               SECRET_KEY="bench-whatsapp-webhook-not-a-secret-" + "x" * 40)
    if args.database_url != "sqlite":
        env["DATABASE_URL"] = args.database_url
        common.DB_NAME = args.database_url.rsplit("/", 1)[-1].split("?")[0]
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    atiende(env, "migrate", "--verbosity", "0")
    number_pk = int(atiende(env, "shell", "-c", SETUP.format(pid=PHONE_NUMBER_ID, secret=APP_SECRET),
                            capture=True).split()[-1])
    run = str(int(time.time()))
    bodies_file = data_dir / "bodies.tsv"
    with bodies_file.open("w", encoding="utf-8") as out:
        for n in range(args.bodies):
            body = notification(n, run)
            out.write(f"{sign(body)}\t{body.decode()}\n")
    path = f"/api/v1/channels/whatsapp/{number_pk}/webhook/"

    port = free_port()
    server = subprocess.Popen([str(common.ROOT / ".venv/bin/atiende"), "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", str(args.workers)], env=env,
                              stdout=open(data_dir / "server.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    try:
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(120):
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                sys.exit((data_dir / "server.log").read_text())
            time.sleep(0.5)
        probe_body = notification(args.bodies + 1, run)
        probe = httpx.post(base + path, content=probe_body, timeout=10,
                           headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(probe_body)})
        if probe.status_code != 200:
            sys.exit(f"POST {path} -> {probe.status_code}: {probe.text[:500]}")
        database = "PostgreSQL" if args.database_url != "sqlite" else "SQLite"
        print(f"== WhatsApp webhook, {database}, {args.workers} workers, processing "
              f"{'queued on Redis' if args.redis_url else 'in the server after the response'}", flush=True)
        sent = [0]

        def one(duration: float):
            result = common.run_wrk(base + path, LUA, concurrency=args.concurrency, duration=duration,
                                    server_pid=server.pid,
                                    env={"BENCH_BODIES": str(bodies_file), "BENCH_OFFSET": str(sent[0]),
                                         "BENCH_PATH": path})
            sent[0] += result.requests
            return result

        result, rounds = common.run_rounds(one, rounds=args.rounds, warmup=args.warmup, duration=args.duration,
                                           label="POST webhook")
        print(f"  median: {result.line()}")
        common.print_cpu(result)
        print(f"  throughput >= 300 req/s: {common.verdict(result.throughput, 300, higher_is_better=True)}; "
              f"p95 <= 50 ms: {common.verdict(result.p95_ms, 50)}")
        stored = int(atiende(env, "shell", "-c", COUNT, capture=True).split()[-1])
        distinct = min(sent[0], args.bodies) + 1
        print(f"  stored events: {stored} for {sent[0] + 1} acknowledged posts of {distinct} distinct bodies "
              f"(a body sent again is the same event)")
        common.save(f"whatsapp_webhook_{database.lower()}", {"median": result.as_dict(),
                                                             "rounds": [r.as_dict() for r in rounds]})
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
