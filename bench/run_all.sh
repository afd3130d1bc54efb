#!/usr/bin/env bash
# Seed the bench database if needed, serve atiende on a free port against it, run every
# benchmark, stop the server. Figures are printed and kept in bench/results/ (git-ignored).
#
#   bash bench/run_all.sh                 # full size: 1,000,000 tickets, ~3,000,000 messages
#   BENCH_RESEED=1 bash bench/run_all.sh  # reload the database first
#   WORKERS=2 BENCH_DURATION=30 BENCH_DATABASE_URL=postgres://... bash bench/run_all.sh
#   SEED_ARGS="--tickets 20000 --messages 60000 --customers 5000" BENCH_RESEED=1 bash bench/run_all.sh  # a quick try
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/atiende_bench}"
WORKERS="${WORKERS:-2}"
export BENCH_DURATION="${BENCH_DURATION:-15}"
mkdir -p bench/results
LOG=bench/results/run_all.log
exec > >(tee "$LOG") 2>&1

[[ -x "$PY" ]] || make setup
command -v wrk >/dev/null || echo "wrk not found (apt-get install -y wrk): the benches fall back to an httpx client"

echo "== machine"
echo "nproc: $(nproc)"
free -m | sed -n 1,2p
psql "$BENCH_DATABASE_URL" -Atc "select version()" 2>/dev/null || $PY -c "import psycopg,os; print(psycopg.connect(os.environ['BENCH_DATABASE_URL']).execute('select version()').fetchone()[0])"
$PY -c "import django, sys; print('Python', sys.version.split()[0], '· Django', django.get_version())"
command -v wrk >/dev/null && wrk --version 2>&1 | head -1 || true
echo "code: $(git rev-parse --short HEAD 2>/dev/null || echo '?') ($(git status --porcelain 2>/dev/null | grep -vc '^??' || true) modified tracked files)"

echo "== seed"
if [[ -n "${BENCH_RESEED:-}" || ! -s bench/results/tokens.json ]] || \
   ! $PY - <<'EOF'
import json, os, sys, psycopg
info = json.load(open("bench/results/tokens.json"))
if info.get("database_url") != os.environ["BENCH_DATABASE_URL"]:
    sys.exit(1)
try:
    with psycopg.connect(os.environ["BENCH_DATABASE_URL"]) as conn:
        n = conn.execute("select count(*) from accounts_apitoken").fetchone()[0]
        sys.exit(0 if n else 1)
except psycopg.Error:
    sys.exit(1)
EOF
then
  # shellcheck disable=SC2086
  $PY bench/seed.py --database-url "$BENCH_DATABASE_URL" --reset ${SEED_ARGS:-}
else
  echo "already seeded (BENCH_RESEED=1 reloads)"
fi

echo "== server"
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p bench/results/data
env -u ATIENDE_ENV DEBUG=false DATABASE_URL="$BENCH_DATABASE_URL" ATIENDE_DATA_DIR="$PWD/bench/results/data" \
  .venv/bin/atiende serve --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" > bench/results/server.log 2>&1 &
SERVER_PID=$!
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT
echo "\$ env -u ATIENDE_ENV DEBUG=false DATABASE_URL=$BENCH_DATABASE_URL ATIENDE_DATA_DIR=$PWD/bench/results/data .venv/bin/atiende serve --host 127.0.0.1 --port $PORT --workers $WORKERS   (pid $SERVER_PID)"
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat bench/results/server.log; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/readyz"; echo

export BENCH_BASE_URL="http://127.0.0.1:$PORT" BENCH_SERVER_PID="$SERVER_PID"
echo "== reads: ticket list (page 1 and deep page)"
$PY bench/bench_list.py
echo "== reads: one ticket with 20 messages"
$PY bench/bench_ticket.py
echo "== pages: the inbox and the ticket page, as an agent's browser loads them (session cookie)"
$PY bench/bench_pages.py
echo "== writes: ticket creation"
$PY bench/bench_create.py
echo "== memory of the web workers after all the load"
$PY bench/rss.py
stop_server
trap - EXIT
echo "== server log (warnings and errors)"
tail -n 20 bench/results/server.log
echo "done; figures in bench/results/*.json, this output in $LOG"
