"""Ticket creation through the API: POST /api/v1/tickets/ by agents, 8 concurrent clients.

Targets: >= 400 tickets/s and p95 <= 60 ms; peak RSS of one web worker <= 250 MB.
Nine requests in ten name an existing customer (cliente<n>@clientes.bench.mx); one in ten a new
address, which creates the customer, its identity and its login as well. Requests rotate over the
8 agents' tokens; each names a team of the agent who sends it (an agent filing a ticket for a team
it is not in gets a 404 after the ticket was created: see docs/performance.md).

    .venv/bin/python bench/bench_create.py --base-url http://127.0.0.1:PORT --server-pid PID
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

BODY = ("Hola, hice un pedido hace una semana y todavía no llega. El número de guía no aparece en la "
        "paquetería. ¿Me pueden ayudar a saber dónde está? Gracias.")

LUA = r"""
local tokens, teams = {}, {}  -- teams[i]: a team of the agent whose token is tokens[i]
for t in string.gmatch(os.getenv("BENCH_TOKENS"), "[^,]+") do tokens[#tokens + 1] = t end
for t in string.gmatch(os.getenv("BENCH_TEAMS"), "[^,]+") do teams[#teams + 1] = tonumber(t) end
local customers = tonumber(os.getenv("BENCH_CUSTOMERS"))
local nonce = os.getenv("BENCH_NONCE")
local body_text = os.getenv("BENCH_BODY")
local counter = 0
math.randomseed(tonumber(os.getenv("BENCH_SEED")))

request = function()
  counter = counter + 1
  local email
  if counter % 10 == 0 then
    email = string.format("nuevo-%s-%d@clientes.bench.mx", nonce, counter)
  else
    email = string.format("cliente%d@clientes.bench.mx", math.random(1, customers))
  end
  local body = string.format(
    '{"subject":"Bench %s-%d: mi pedido no llega","body":"%s","requester":"%s","team":%d,"priority":"normal"}',
    nonce, counter, body_text, email, teams[(counter % #tokens) + 1])
  return wrk.format("POST", "/api/v1/tickets/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Token " .. tokens[(counter % #tokens) + 1],
  }, body)
end
"""


def main() -> None:
    p = common.parser(__doc__)
    args = p.parse_args()
    common.print_command()
    info = common.load_tokens(args.tokens)
    kind = common.client_kind(args.client)
    tokens = [c["token"] for c in info["clients"]]
    teams = [c["teams"][0] for c in info["clients"]]  # one team of each client agent
    customers = info["customers"]
    url = args.base_url.rstrip("/") + "/api/v1/tickets/"

    # One request by hand: the endpoint answers 201 with this payload.
    import httpx

    probe = httpx.post(url, headers={"Authorization": f"Token {tokens[0]}"}, timeout=30, json={
        "subject": "Bench probe", "body": BODY, "requester": "cliente1@clientes.bench.mx", "team": teams[0],
        "priority": "normal"})
    if probe.status_code != 201:
        sys.exit(f"POST {url} -> {probe.status_code}: {probe.text[:500]}")

    def run(duration: float, nonce: str):
        if kind == "wrk":
            env = {"BENCH_TOKENS": ",".join(tokens), "BENCH_TEAMS": ",".join(map(str, teams)),
                   "BENCH_CUSTOMERS": str(customers), "BENCH_NONCE": nonce, "BENCH_BODY": BODY,
                   "BENCH_SEED": str(random.randrange(1 << 30))}
            return common.run_wrk(url, LUA, concurrency=args.concurrency, duration=duration,
                                  server_pid=args.server_pid, env=env)
        rng = random.Random()

        def make(i: int):
            email = (f"nuevo-{nonce}-{i}@clientes.bench.mx" if i % 10 == 0
                     else f"cliente{rng.randint(1, customers)}@clientes.bench.mx")
            body = json.dumps({"subject": f"Bench {nonce}-{i}: mi pedido no llega", "body": BODY,
                               "requester": email, "team": teams[i % len(tokens)], "priority": "normal"})
            return "POST", url, {"Authorization": f"Token {tokens[i % len(tokens)]}",
                                 "Content-Type": "application/json"}, body.encode()

        return common.run_httpx(make, concurrency=args.concurrency, duration=duration,
                                server_pid=args.server_pid, expected=201)

    stamp = time.strftime("%H%M%S")
    counter = iter(range(1_000_000))

    def run_round(duration: float):
        return run(duration, f"{stamp}r{next(counter)}")

    print()
    print(f"TICKET CREATE  POST /api/v1/tickets/  ({args.concurrency} concurrent clients, agents' tokens)", flush=True)
    result, rounds = common.run_rounds(run_round, rounds=args.rounds, warmup=args.warmup, duration=args.duration,
                                       label="create")
    print(f"  MEDIAN: {result.line()}")
    print(f"  throughput {result.throughput:.1f} tickets/s (target >= 400: "
          f"{common.verdict(result.throughput, 400, higher_is_better=True)}); "
          f"p95 {result.p95_ms:.1f} ms (target <= 60: {common.verdict(result.p95_ms, 60)})")
    if result.errors:
        print(f"  WARNING: {result.errors} requests did not answer 201")
    common.print_cpu(result)
    rows = common.print_memory(args.server_pid)
    common.save("bench_create", {"result": result.as_dict(), "rounds": [r.as_dict() for r in rounds],
                                 "memory": rows, "argv": sys.argv})


if __name__ == "__main__":
    main()
