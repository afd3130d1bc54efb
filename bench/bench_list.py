"""An agent's ticket list at 1M tickets: page 1 and a deep page (~200 `next` cursors in).

GET /api/v1/tickets/?team=<id>&status=open&ordering=-updated_at (50 rows) as the designated
agent (role "agent", member of two teams, so the visibility rules apply). Target: p95 <= 40 ms.
Each page is measured with 1 client (the latency one agent sees) and with 8 concurrent clients.

    .venv/bin/python bench/bench_list.py --base-url http://127.0.0.1:PORT --server-pid PID [--depth 200]
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

TARGET_MS = 40


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--depth", type=int, default=200, help="how many `next` cursors to follow")
    args = p.parse_args()
    common.print_command()
    info = common.load_tokens(args.tokens)
    token = info["agent"]["token"]
    team = info["list_team_id"]
    first = f"{args.base_url.rstrip('/')}/api/v1/tickets/?team={team}&status=open&ordering=-updated_at"

    page = common.get_json(first, token)
    if len(page["results"]) != 50:
        sys.exit(f"page 1 has {len(page['results'])} rows, expected 50")
    url, depth, t0 = first, 0, time.perf_counter()
    while depth < args.depth and page["next"]:
        url = page["next"]
        page = common.get_json(url, token)
        depth += 1
    walk = time.perf_counter() - t0
    print(f"followed {depth} `next` cursors in {walk:.1f} s ({1000 * walk / max(depth, 1):.1f} ms per page, 1 client); "
          f"page {depth + 1} has {len(page['results'])} rows, first updated_at {page['results'][0]['updated_at']}")
    if len(page["results"]) != 50:
        sys.exit("the deep page is not full: seed more tickets or lower --depth")

    print()
    print(f"TICKET LIST  GET /api/v1/tickets/?team={team}&status=open&ordering=-updated_at  (50 rows, agent {info['agent']['email']})")
    results = common.run_reads(args, token=token, target_ms=TARGET_MS,
                               scenarios=[("page 1", first), (f"page {depth + 1} (cursor)", url)])
    rows = common.print_memory(args.server_pid)
    common.save("bench_list", {"results": results, "depth": depth, "memory": rows, "argv": sys.argv})


if __name__ == "__main__":
    main()
