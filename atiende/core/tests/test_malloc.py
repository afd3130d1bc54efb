"""A web worker's threads share two malloc arenas instead of taking one each (atiende.core.malloc):
counted with glibc's own report, in a fresh process, as a worker runs it."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")

THREADS_ALLOCATING = """
import ctypes, os, sys, tempfile, threading
if sys.argv[1] == "limited":
    from atiende.core.malloc import limit_arenas
    assert limit_arenas()
together = threading.Barrier(12)
def work():  # alive at once, as a worker's request threads are (an ended thread's arena is reused)
    blocks = [bytearray(20_000) for _ in range(50)]  # below the mmap threshold: from an arena
    together.wait()
    del blocks
threads = [threading.Thread(target=work) for _ in range(12)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


def _arenas(mode: str, env: dict | None = None) -> int:
    result = subprocess.run([sys.executable, "-c", THREADS_ALLOCATING, mode], capture_output=True, text=True,
                            env=env, check=True)
    return int(result.stdout)


def test_twelve_request_threads_share_two_arenas_instead_of_taking_one_each():
    env = {key: value for key, value in __import__("os").environ.items() if key != "MALLOC_ARENA_MAX"}
    assert _arenas("free", env) >= 4  # glibc alone: about one arena per thread, up to 8 per core
    assert _arenas("limited", env) <= 2


def test_the_administrator_may_choose_the_number():
    env = {**__import__("os").environ, "MALLOC_ARENA_MAX": "3"}
    assert _arenas("limited", env) <= 3
