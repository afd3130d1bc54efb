"""The API against its own OpenAPI schema, over the network (issue 18): schemathesis fuzzes every
operation of a real `atiende serve` (tests/faults/stack.py: its own PostgreSQL database) as each
role — admin, supervisor, agent, customer (an organization admin) — and fails on any 5xx, any
status the schema does not document, any body that does not match its schema, and any
undocumented content type.

The in-process sweep (test_sweep.py) covers more inputs and the pages; this one proves the schema
tells clients the truth about a deployed server (middleware, the ASGI server, real PostgreSQL).
Bounded for CI: ATIENDE_FUZZ_EXAMPLES examples per operation (default 3), generation
deterministic so CI replays the same cases; raise it locally for a deeper run. Runs once, in the
suite's first half (it makes its own database).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.stack import PG, call, drop_install, make_install, role_tokens, serve, stop

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the suite's first half")
EXAMPLES = int(os.environ.get("ATIENDE_FUZZ_EXAMPLES", "3"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Operations that end the fuzzer's own session: revoking the token it sends would turn every later
# request into a 401 and hide the rest of the run (token revocation has its own tests).
EXCLUDED = ("auth_token_destroy", "auth_tokens_destroy")
ST = Path(sys.executable).with_name("st")


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz")
    name, base, token = make_install(data)
    tokens = {"admin": token, **role_tokens(name, base)}
    server = None
    try:
        server, url = serve({**base, "DATABASE_URL": f"{PG}/{name}", "DATABASE_POOL_MIN": "1"})
        _seed(url, token)
        yield {"url": url, "tokens": tokens, "data": data}
    finally:
        if server is not None:
            stop(server)
        drop_install(name)


def _seed(url: str, token: str) -> None:
    """A ticket with a reply, so list and detail answers carry real rows to check against the schema."""
    status, ticket = call(f"{url}/api/v1/tickets/", method="POST", token=token,
                          body={"subject": "Fuzz", "body": "Hola", "requester": "cliente.fuzz@example.mx"})
    assert status == 201, ticket
    assert call(f"{url}/api/v1/tickets/{ticket['id']}/messages/", method="POST", token=token,
                body={"body": "Respuesta"})[0] == 201


# Least powerful first: an admin's writes (deactivating an agent, say) must not change what the
# other roles' runs see.
@pytest.mark.parametrize("role", ["customer", "agent", "supervisor", "admin"])
def test_the_running_api_answers_as_its_schema_says(install, role):
    report = install["data"] / f"fuzz-{role}.txt"
    done = subprocess.run(
        [str(ST), "run", f"{install['url']}/api/v1/schema/?format=json",
         "--header", f"Authorization: Token {install['tokens'][role]}",
         "--checks", CHECKS, "--max-examples", str(EXAMPLES), "--generation-deterministic",
         "--phases", "examples,fuzzing", *(arg for op in EXCLUDED for arg in ("--exclude-operation-id", op)),
         "--workers", "2", "--request-timeout", "30",
         "--no-color", "--output-truncate", "false", "--warnings", "off",],
        capture_output=True, text=True, timeout=600, cwd=install["data"],  # its .schemathesis/ stays out of the tree
    )
    report.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, f"schemathesis as {role} ({report}):\n{done.stdout[-12000:]}"
