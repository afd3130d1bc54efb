"""One ticket with 20 messages, as its page loads it: the ticket and its conversation.

GET /api/v1/tickets/<id>/ and GET /api/v1/tickets/<id>/messages/ as the designated agent, on the
designated ticket (20 messages, 2 tags). Target: p95 <= 30 ms each. Measured with 1 client and
with 8 concurrent clients.

    .venv/bin/python bench/bench_ticket.py --base-url http://127.0.0.1:PORT --server-pid PID
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

TARGET_MS = 30


def main() -> None:
    p = common.parser(__doc__)
    args = p.parse_args()
    common.print_command()
    info = common.load_tokens(args.tokens)
    token = info["agent"]["token"]
    ticket = info["ticket"]["id"]
    base = f"{args.base_url.rstrip('/')}/api/v1/tickets/{ticket}/"
    messages = common.get_json(base + "messages/", token)["results"]
    if len(messages) != 20:
        sys.exit(f"ticket {ticket} shows {len(messages)} messages, expected 20")
    common.get_json(base, token)

    print()
    print(f"TICKET PAGE  ticket id {ticket} (#{info['ticket']['number']}, 20 messages), agent {info['agent']['email']}")
    results = common.run_reads(args, token=token, target_ms=TARGET_MS,
                               scenarios=[(f"GET /api/v1/tickets/{ticket}/messages/", base + "messages/"),
                                          (f"GET /api/v1/tickets/{ticket}/", base)])
    rows = common.print_memory(args.server_pid)
    common.save("bench_ticket", {"results": results, "memory": rows, "argv": sys.argv})


if __name__ == "__main__":
    main()
