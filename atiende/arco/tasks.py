"""Background work of ARCO requests, queued by name; the logic lives in services."""

from celery import shared_task


@shared_task(name="arco.export_build")
def export_build(*, export_id: int) -> str:
    from .services import export_build as build

    return build(export_id=export_id).status


@shared_task(name="arco.customer_erase", bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def customer_erase(self, *, customer_id: int, actor_id: int | None = None) -> None:
    from .services import customer_erase as erase

    erase(customer_id=customer_id, actor_id=actor_id)
