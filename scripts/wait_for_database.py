"""Fail fast, with a clear message, when DATABASE_URL's server cannot be reached."""

import sys
import time

import dj_database_url
import psycopg

from atiende.settings.env import env_str

url = env_str("DATABASE_URL")
config = dj_database_url.parse(url)
params = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
          "password": config["PASSWORD"] or None, "dbname": "postgres", "connect_timeout": 3}
for _attempt in range(10):
    try:
        psycopg.connect(**{k: v for k, v in params.items() if v is not None}).close()
        sys.exit(0)
    except psycopg.OperationalError as exc:
        last = exc
        time.sleep(1)
print(f"PostgreSQL at {config['HOST']}:{config['PORT']} is unreachable: {last}", file=sys.stderr)
sys.exit(1)
