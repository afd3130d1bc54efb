"""Peak memory of the uvicorn worker processes of `atiende serve` (VmHWM in /proc/<pid>/status).

    .venv/bin/python bench/rss.py --server-pid PID
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402


def main() -> None:
    p = common.parser(__doc__)
    args = p.parse_args()
    common.print_command()
    if not args.server_pid:
        sys.exit("give --server-pid (or BENCH_SERVER_PID)")
    print(f"WEB WORKER MEMORY under `atiende serve` pid {args.server_pid}")
    rows = common.print_memory(args.server_pid)
    peak = max((r.get("VmHWM", 0) for r in rows), default=0) / 1024
    print(f"  highest peak RSS of one worker: {peak:.1f} MB (target <= 250 MB: {common.verdict(peak, 250)})")
    common.save("rss", {"workers": rows, "peak_mb": round(peak, 1)})


if __name__ == "__main__":
    main()
