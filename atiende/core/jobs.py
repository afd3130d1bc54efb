"""Background work is enqueued only after the transaction that asked for it commits."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the current transaction commits (immediately outside one).

    In the embedded default Celery runs eagerly, so the task executes in-process right
    after the commit; in production it goes to the Redis broker.
    """
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
