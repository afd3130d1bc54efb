"""Run calls at the same moment from threads (each with its own database connection) and say how
each ended: "ok", a Conflict's code, or the exception's name (SQLite's "database is locked" is a
loss too). For tests that prove exactly one of several racing writers wins."""

from __future__ import annotations

import threading

from atiende.core.exceptions import Conflict


def race(*calls) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(len(calls))

    def run(call) -> None:
        from django.db import connection

        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - any failure is a lost race
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
