#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when DATABASE_URL names one.
# With CI=true the PostgreSQL run is mandatory (default 127.0.0.1:5432, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if [[ "${CI:-}" == "true" && -z "${DATABASE_URL:-}" ]]; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/atiende"
fi
if [[ "${CI:-}" == "true" && -z "${REDIS_URL:-}" ]]; then
  export TEST_REDIS_URL="redis://127.0.0.1:6379/15"
fi

echo "== lint (ruff) =="
.venv/bin/ruff check atiende tests conftest.py scripts bench

echo "== types (mypy, on a baseline that only shrinks) =="
$PY scripts/mypy_baseline.py

echo "== dependencies (known vulnerabilities in uv.lock) =="
$PY scripts/audit_lock.py

echo "== test suite on SQLite =="
env -u DATABASE_URL $PY -m pytest "$@"

if [[ -n "${DATABASE_URL:-}" ]]; then
  echo "== test suite on PostgreSQL ($DATABASE_URL) =="
  $PY scripts/wait_for_database.py
  $PY -m pytest "$@"
elif [[ "${CI:-}" == "true" ]]; then
  echo "CI=true but no PostgreSQL configured" >&2
  exit 1
else
  echo "(DATABASE_URL unset: PostgreSQL run skipped; CI=true makes it mandatory)"
fi
