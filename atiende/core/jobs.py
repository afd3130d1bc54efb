"""Background work is enqueued only after the transaction that asked for it commits."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the current transaction commits (immediately outside one).

    In the embedded default Celery runs eagerly, so the task executes in-process right
    after the commit; in production it goes to the Redis broker.
    """
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))


def enqueue_after_response(task: Task, *args: Any, **kwargs: Any) -> None:
    """`enqueue_after_commit` for work whose duration must not show in the response (mail that
    goes out only for addresses that exist: the answer's timing would tell which do).

    With a broker nothing changes. In the embedded default (eager Celery) the task runs on an
    in-process worker thread, JOBS_BACKGROUND_DELAY seconds after the commit, so the request
    answers first and its CPU time is not shared with the task's. Tests run it inline unless
    JOBS_IN_BACKGROUND_THREAD is on.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.JOBS_IN_BACKGROUND_THREAD:
        transaction.on_commit(lambda: _worker().put(task, args, kwargs))
    else:
        enqueue_after_commit(task, *args, **kwargs)


def background_idle(timeout: float = 10.0) -> bool:
    """Wait until the in-process worker has nothing left to do (tests); False on timeout."""
    deadline = time.monotonic() + timeout
    worker = _the_worker
    while worker is not None and worker.pending and time.monotonic() < deadline:
        time.sleep(0.005)
    return worker is None or not worker.pending


class _Worker(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="atiende-jobs", daemon=True)
        self.jobs: queue.Queue[tuple[float, Task, tuple, dict]] = queue.Queue()
        self.pending = 0
        self.lock = threading.Lock()

    def put(self, task: Task, args: tuple, kwargs: dict) -> None:
        with self.lock:
            self.pending += 1
        self.jobs.put((time.monotonic() + settings.JOBS_BACKGROUND_DELAY, task, args, kwargs))

    def run(self) -> None:
        while True:
            not_before, task, args, kwargs = self.jobs.get()
            time.sleep(max(0.0, not_before - time.monotonic()))
            close_old_connections()
            try:
                task.apply(args=args, kwargs=kwargs, throw=True)
            except Exception:  # one failing job must not stop the others
                logger.exception("Background job %s failed", task.name)
            finally:
                close_old_connections()
                with self.lock:
                    self.pending -= 1


_the_worker: _Worker | None = None
_start_lock = threading.Lock()


def _worker() -> _Worker:
    global _the_worker
    with _start_lock:
        if _the_worker is None or not _the_worker.is_alive():
            _the_worker = _Worker()
            _the_worker.start()
        return _the_worker


def enqueue_by_name_after_commit(name: str, *, countdown: float | None = None, **kwargs: Any) -> None:
    """Queue the task registered as `name` once the current transaction commits, so the service
    asking for it never imports the task module (STYLE.md, "Jobs by name"). `countdown` spaces
    work out with a broker; without one (eager), the embedded default runs it on the in-process
    worker thread as `enqueue_after_response` does, and tests run it inline."""

    def send() -> None:
        from celery import current_app

        if name not in current_app.tasks:
            current_app.loader.import_default_modules()  # every app's tasks module (a worker does this at start)
        task = current_app.tasks[name]
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.JOBS_IN_BACKGROUND_THREAD:
            _worker().put(task, (), kwargs)
        else:
            task.apply_async(kwargs=kwargs, countdown=countdown)

    transaction.on_commit(send)
