"""The C allocator's arenas in a web worker.

glibc gives each new thread an allocation arena of its own, up to eight per core, and a worker
serves every request in a thread of its own (some 40 under load): twelve threads alive at once
made 13 arenas, each keeping freed memory it seldom returns. Two arenas are plenty for a process
whose threads take turns under the GIL. (This was first suspected for a worker that grew under
the mixed load; that was the mail header cache, mail.parsing; docs/performance.md.)"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # mallopt's parameter number (glibc's malloc.h)
DEFAULT_ARENAS = 2


def limit_arenas() -> bool:
    """Cap the arenas at MALLOC_ARENA_MAX (glibc's own variable; 2 when unset). Call it before the
    process starts threads. False where the C library is not glibc (musl, macOS): nothing to do."""
    try:
        count = int(os.environ.get("MALLOC_ARENA_MAX") or DEFAULT_ARENAS)
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (ValueError, OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, max(1, count)))
