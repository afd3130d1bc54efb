"""Shared pieces of the HTTP benchmarks: the load generators, percentiles, CPU and memory readings.

The preferred load generator is `wrk` (C, one thread, a Lua script): it takes a few percent of a
core where a Python client would take a large share of the two cores the server needs. When wrk
is not installed (`apt-get install -y wrk`), a small asyncio + httpx client is used instead and
the report says so, with the CPU it used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- arguments and inputs -----------------------------------------------------------------------

def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--base-url", default=os.environ.get("BENCH_BASE_URL", "http://127.0.0.1:8000"))
    p.add_argument("--server-pid", type=int, default=int(os.environ.get("BENCH_SERVER_PID", "0") or 0),
                   help="pid of `atiende serve` (its worker processes are found under it)")
    p.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "15")),
                   help="seconds of measured load per round")
    p.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")),
                   help="measured rounds per scenario; the median is reported")
    p.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", "5")))
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--client", choices=["auto", "wrk", "httpx"], default=os.environ.get("BENCH_CLIENT", "auto"))
    p.add_argument("--tokens", default=str(RESULTS / "tokens.json"))
    return p


def load_tokens(path: str) -> dict:
    global DB_NAME
    try:
        info = json.loads(Path(path).read_text())
    except FileNotFoundError:
        sys.exit(f"{path} is missing: run bench/seed.py first.")
    DB_NAME = info["database_url"].rsplit("/", 1)[-1].split("?")[0]
    return info


def client_kind(choice: str) -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "httpx"
    if choice == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk), use --client httpx")
    return choice


def print_command() -> None:
    print("$ " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]), flush=True)


def save(name: str, data: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))


def django_on_own_database(database_url: str) -> None:
    """Django set up and migrated on a bench's own PostgreSQL database, without Redis (jobs run
    in-process): the benches that seed their own data. Never the project's or the tests' database."""
    name = database_url.rsplit("/", 1)[-1].split("?")[0]
    if name in ("atiende", "test_atiende", "") or not database_url.startswith("postgres"):
        sys.exit("refusing: give this session's own PostgreSQL database (never `atiende`)")
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="atiende.settings.base")
    for variable in ("ATIENDE_ENV", "REDIS_URL"):
        os.environ.pop(variable, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def publish(name: str, report: dict) -> None:
    """Prints the bench's figures and keeps them in bench/results/NAME.json."""
    print(json.dumps(report, indent=2, default=str))
    save(name, report)


# --- processes: CPU and memory ------------------------------------------------------------------

def _stat(pid: int, *, reaped_children: bool = False) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used so far) of a process, or None if it is gone.

    With `reaped_children`, the CPU of its exited (waited-for) children is added: for the
    PostgreSQL postmaster that is the CPU of backends that have disconnected.
    """
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return int(fields[1]), ticks / CLK_TCK


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (children, their children, …)."""
    children: dict[int, list[int]] = {}
    for candidate in _all_pids():
        st = _stat(candidate)
        if st:
            children.setdefault(st[0], []).append(candidate)
    found, frontier = [], [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            frontier.append(child)
            found.append(child)
    return sorted(found)


def process_kind(pid: int) -> str:
    """"web worker" or "celery" (pool or main), from the command line."""
    cmd = _cmdline(pid)
    return "celery" if " worker" in cmd or "celery" in cmd else "web worker"


def worker_pids(server_pid: int) -> list[int]:
    """The uvicorn worker processes under `atiende serve` (children spawned by multiprocessing)."""
    if not server_pid:
        return []
    found = [pid for pid in descendants(server_pid)
             if "spawn_main" in (cmd := _cmdline(pid)) and "resource_tracker" not in cmd]
    return found or [server_pid]


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) in kB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


DB_NAME = ""  # set by load_tokens: PostgreSQL backends of other databases are not counted


def postgres_pids() -> list[int]:
    """The postmaster, its auxiliary processes and the backends connected to the bench database."""
    pids = []
    for pid in _all_pids():
        if not _comm(pid).startswith("postgres"):
            continue
        cmd = _cmdline(pid)
        is_backend = "(" in cmd and ")" in cmd.split("(")[-1] or "[local]" in cmd
        if not is_backend or not DB_NAME or f" {DB_NAME} " in cmd:
            pids.append(pid)
    return pids


@dataclass
class CpuMeter:
    """CPU seconds used by the server workers, PostgreSQL and this process's children, over a span."""

    server_pid: int
    started: float = 0.0
    before: dict[str, float] = field(default_factory=dict)

    def _sample(self) -> dict[str, float]:
        jiffies = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = (sum(jiffies[:8]) - jiffies[3] - jiffies[4]) / CLK_TCK  # all but idle and iowait
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        workers = sum((_stat(p) or (0, 0.0))[1] for p in worker_pids(self.server_pid)) if self.server_pid else 0.0
        # PostgreSQL backends come and go; count the ones alive at both ends (plus new ones at the end).
        pids = postgres_pids()
        parents = {p: (_stat(p) or (0, 0.0))[0] for p in pids}
        pg = {p: (_stat(p) or (0, 0.0))[1] for p in pids}
        # Backends that disconnected: their CPU is added to the postmaster's reaped-children count
        # (for every database, so noise from other databases may be in it).
        postmaster = [p for p in pids if parents[p] not in parents]
        reaped = sum((_stat(p, reaped_children=True) or (0, 0.0))[1] - pg[p] for p in postmaster)
        return {"client": usage.ru_utime + usage.ru_stime + me.ru_utime + me.ru_stime, "workers": workers,
                "pg": pg, "busy": busy, "reaped": reaped}  # type: ignore[dict-item]

    def start(self) -> None:
        self.before = self._sample()
        self.started = time.perf_counter()

    def stop(self) -> dict[str, float]:
        after = self._sample()
        wall = time.perf_counter() - self.started
        pg_before, pg_after = self.before["pg"], after["pg"]  # type: ignore[index]
        pg = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items())  # type: ignore[union-attr]
        used = {
            "load generator": after["client"] - self.before["client"],
            "web workers": after["workers"] - self.before["workers"],
            "postgresql": pg,
            "postgresql exited backends": after["reaped"] - self.before["reaped"],
        }
        # Whole machine minus the above: other tenants' noise, the kernel, exited PostgreSQL backends.
        used["other"] = max(0.0, after["busy"] - self.before["busy"] - sum(used.values()))
        return {name: round(100 * seconds / wall, 1) for name, seconds in used.items()} | {"wall_s": round(wall, 2)}


def memory_report(server_pid: int) -> list[dict]:
    return [{"pid": pid, **memory(pid)} for pid in worker_pids(server_pid)]


def print_memory(server_pid: int, target_mb: float = 250) -> list[dict]:
    rows = memory_report(server_pid)
    for row in rows:
        hwm = row.get("VmHWM", 0) / 1024
        verdict = "met" if hwm <= target_mb else "NOT MET"
        print(f"  worker pid {row['pid']}: VmRSS {row.get('VmRSS', 0) / 1024:6.1f} MB, peak VmHWM {hwm:6.1f} MB "
              f"(target <= {target_mb:.0f} MB: {verdict})")
    if not rows:
        print("  (no --server-pid given: worker memory not read)")
    return rows


# --- results ------------------------------------------------------------------------------------

@dataclass
class Result:
    client: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    command: str
    cpu: dict[str, float] = field(default_factory=dict)
    all_rounds_requests: int = 0  # set on a median of rounds: `errors` then counts all rounds

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        counts = (f"{self.requests} requests in the median round, {self.errors} errors in "
                  f"{self.all_rounds_requests} requests of all rounds" if self.all_rounds_requests
                  else f"{self.requests} requests, {self.errors} errors")
        return (f"{self.throughput:8.1f} req/s  p50 {self.p50_ms:6.1f} ms  p95 {self.p95_ms:6.1f} ms  "
                f"p99 {self.p99_ms:6.1f} ms  max {self.max_ms:6.1f} ms  ({counts}, "
                f"{self.concurrency} clients, {self.seconds:.0f} s, {self.client})")

    def cpu_ms_per_request(self, part: str) -> float:
        return 10 * self.cpu.get(part, 0.0) * self.cpu.get("wall_s", 0.0) / self.requests if self.requests else 0.0

    def as_dict(self) -> dict:
        return {**self.__dict__, "throughput": round(self.throughput, 1),
                "web_worker_cpu_ms_per_request": round(self.cpu_ms_per_request("web workers"), 2),
                "postgresql_cpu_ms_per_request": round(self.cpu_ms_per_request("postgresql"), 2)}


def median_result(rounds: list[Result]) -> Result:
    """Each figure the median over the rounds (the machine is noisy: one round can be unlucky)."""
    import statistics

    def med(name: str) -> float:
        return statistics.median(getattr(r, name) for r in rounds)

    cpu_keys = rounds[0].cpu.keys()
    # throughput: requests and seconds of the median-throughput round
    by_rate = sorted(rounds, key=lambda r: r.throughput)[len(rounds) // 2]
    return Result(
        client=rounds[0].client, concurrency=rounds[0].concurrency, requests=by_rate.requests,
        errors=sum(r.errors for r in rounds), seconds=by_rate.seconds, p50_ms=med("p50_ms"), p90_ms=med("p90_ms"),
        p95_ms=med("p95_ms"), p99_ms=med("p99_ms"), max_ms=max(r.max_ms for r in rounds),
        command=rounds[0].command,
        cpu={k: round(statistics.median(r.cpu.get(k, 0.0) for r in rounds), 1) for k in cpu_keys},
        all_rounds_requests=sum(r.requests for r in rounds),
    )


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "NOT MET"


# --- wrk ----------------------------------------------------------------------------------------

WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def run_wrk(url: str, lua: str, *, concurrency: int, duration: float, server_pid: int, env: dict[str, str]) -> Result:
    RESULTS.mkdir(parents=True, exist_ok=True)  # not in a fresh clone (git keeps no empty folder)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, dir=RESULTS) as script:
        script.write(lua + WRK_DONE)
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
           "-s", script.name, url]
    meter = CpuMeter(server_pid)
    meter.start()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, check=False)
    cpu = meter.stop()
    os.unlink(script.name)
    match = re.search(r"WRKJSON (\{.*\})", proc.stdout)
    if proc.returncode != 0 or not match:
        sys.exit(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    data = json.loads(match.group(1))
    return Result(
        client="wrk 4 (1 thread, Lua)", concurrency=concurrency, requests=data["requests"],
        errors=data["status_errors"] + data["socket_errors"], seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000, p90_ms=data["p90"] / 1000, p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000, max_ms=data["max"] / 1000, command=" ".join(cmd), cpu=cpu,
    )


# --- httpx fallback -----------------------------------------------------------------------------

async def _httpx_load(make_request, *, concurrency: int, duration: float, expected: int) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def one(client: httpx.AsyncClient, n: int) -> None:
        nonlocal errors
        i = n
        while time.perf_counter() < deadline:
            method, url, headers, body = make_request(i)
            i += concurrency
            t0 = time.perf_counter()
            try:
                response = await client.request(method, url, headers=headers, content=body)
                ok = response.status_code == expected
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t0)
            errors += not ok

    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        await asyncio.gather(*(one(client, n) for n in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def run_httpx(make_request, *, concurrency: int, duration: float, server_pid: int, expected: int) -> Result:
    meter = CpuMeter(server_pid)
    meter.start()
    latencies, errors, seconds = asyncio.run(
        _httpx_load(make_request, concurrency=concurrency, duration=duration, expected=expected))
    cpu = meter.stop()
    ms = sorted(x * 1000 for x in latencies)
    return Result(
        client="httpx asyncio client (in this process)", concurrency=concurrency, requests=len(ms), errors=errors,
        seconds=seconds, p50_ms=percentile(ms, 50), p90_ms=percentile(ms, 90), p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99), max_ms=ms[-1] if ms else float("nan"), command="(httpx, in-process)", cpu=cpu,
    )


def print_cpu(result: Result, *, command: bool = True) -> None:
    cpu = result.cpu
    exited = cpu.get("postgresql exited backends", 0.0)
    print(f"    CPU in % of one core (the machine has {os.cpu_count()}): load generator {cpu.get('load generator')}%, "
          f"web workers {cpu.get('web workers')}%, PostgreSQL {cpu.get('postgresql')}%"
          + (f" + {exited}% in backends that disconnected" if exited >= 0.5 else "")
          + f", everything else on the machine {cpu.get('other')}%")
    print(f"    server CPU per request: {result.cpu_ms_per_request('web workers'):.1f} ms in web workers, "
          f"{result.cpu_ms_per_request('postgresql') + result.cpu_ms_per_request('postgresql exited backends'):.1f} ms in PostgreSQL")
    if command:
        print(f"    load command: {result.command}")


def run_rounds(run, *, rounds: int, warmup: float, duration: float, label: str) -> tuple[Result, list[Result]]:
    """Warm up once, then `rounds` measured runs; print each and return the median with them."""
    if warmup:
        run(warmup)
    results = []
    for i in range(rounds):
        result = run(duration)
        results.append(result)
        print(f"    round {i + 1}/{rounds} {label}: {result.line()}; others on the machine {result.cpu.get('other')}%",
              flush=True)
    return median_result(results), results


def lua_quote(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for our ASCII values


def get_json(url: str, token: str) -> dict:
    import httpx

    response = httpx.get(url, headers={"Authorization": f"Token {token}"}, timeout=30)
    if response.status_code != 200:
        sys.exit(f"GET {url} -> {response.status_code}: {response.text[:500]}")
    return response.json()


# --- read scenarios -----------------------------------------------------------------------------

READ_LUA = r"""
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
"""


def run_reads(args: argparse.Namespace, *, token: str, scenarios: list[tuple[str, str]], target_ms: float) -> list[dict]:
    """Each scenario alone (1 client: the latency an agent sees) and under `--concurrency` clients."""
    kind = client_kind(args.client)
    out = []
    for label, url in scenarios:
        for concurrency in sorted({1, args.concurrency}):
            if kind == "wrk":
                def run(duration: float, url: str = url, concurrency: int = concurrency) -> Result:
                    return run_wrk(url, READ_LUA, concurrency=concurrency, duration=duration,
                                   server_pid=args.server_pid, env={"BENCH_TOKEN": token})
            else:
                def run(duration: float, url: str = url, concurrency: int = concurrency) -> Result:
                    headers = {"Authorization": f"Token {token}"}
                    return run_httpx(lambda i: ("GET", url, headers, None), concurrency=concurrency,
                                     duration=duration, server_pid=args.server_pid, expected=200)
            print(f"  {label}, {concurrency} client{'s' if concurrency > 1 else ''}:", flush=True)
            result, rounds = run_rounds(run, rounds=args.rounds, warmup=args.warmup, duration=args.duration,
                                        label=label)
            print(f"    MEDIAN: {result.line()}")
            print(f"    p95 {result.p95_ms:.1f} ms (target <= {target_ms:.0f}: {verdict(result.p95_ms, target_ms)})")
            if result.errors:
                print(f"    WARNING: {result.errors} requests did not answer 200")
            print_cpu(result)
            out.append({"scenario": label, "url": url, **result.as_dict(), "rounds": [r.as_dict() for r in rounds]})
    return out


# --- page scenarios (session cookie instead of a token) -----------------------------------------

def headers_lua(headers: dict[str, str]) -> str:
    """A wrk Lua prelude sending these headers on every request (e.g. a session Cookie)."""
    return "".join(f"wrk.headers[{lua_quote(name)}] = {lua_quote(value)}\n" for name, value in headers.items())


def get_page(url: str, headers: dict[str, str]) -> str:
    """The HTML of a page, or exit with its status (a redirect to the sign-in page is an error)."""
    import httpx

    response = httpx.get(url, headers=headers, timeout=30, follow_redirects=False)
    if response.status_code != 200:
        sys.exit(f"GET {url} -> {response.status_code} {response.headers.get('location', '')}: {response.text[:300]}")
    return response.text


def run_reads_as(args: argparse.Namespace, *, headers: dict[str, str], scenarios: list[tuple[str, str, float | None]],
                 check=None) -> list[dict]:
    """Like `run_reads`, with any request headers (pages: a session cookie) and a target per
    scenario (label, url, target ms or None). `check(url)`, when given, runs before and after each
    scenario's rounds: wrk counts only 4xx/5xx as errors, so a lost session (a 302 to the
    sign-in page) would otherwise pass unnoticed."""
    kind = client_kind(args.client)
    lua = headers_lua(headers)
    out = []
    for label, url, target_ms in scenarios:
        for concurrency in sorted({1, args.concurrency}):
            if check:
                check(url)
            if kind == "wrk":
                def run(duration: float, url: str = url, concurrency: int = concurrency) -> Result:
                    return run_wrk(url, lua, concurrency=concurrency, duration=duration,
                                   server_pid=args.server_pid, env={})
            else:
                def run(duration: float, url: str = url, concurrency: int = concurrency) -> Result:
                    return run_httpx(lambda i: ("GET", url, headers, None), concurrency=concurrency,
                                     duration=duration, server_pid=args.server_pid, expected=200)
            print(f"  {label}, {concurrency} client{'s' if concurrency > 1 else ''}:", flush=True)
            result, rounds = run_rounds(run, rounds=args.rounds, warmup=args.warmup, duration=args.duration,
                                        label=label)
            if check:
                check(url)
            print(f"    MEDIAN: {result.line()}")
            if target_ms:
                print(f"    p95 {result.p95_ms:.1f} ms (target <= {target_ms:.0f}: {verdict(result.p95_ms, target_ms)})")
            if result.errors:
                print(f"    WARNING: {result.errors} requests did not answer 200")
            print_cpu(result)
            out.append({"scenario": label, "url": url, "target_ms": target_ms, **result.as_dict(),
                        "rounds": [r.as_dict() for r in rounds]})
    return out
