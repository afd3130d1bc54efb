from celery import shared_task

from . import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_sign_in_link(self, *, site: str, language: str, email: str = "", user_id: int | None = None) -> bool:
    # `user_id`: jobs queued before the request stopped looking the address up (older releases).
    return notifications.sign_in_link_send(email=email, user_id=user_id, site=site, language=language)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_signup_confirmation(self, *, pending_id: int, site: str) -> bool:
    return notifications.signup_confirmation_send(pending_id=pending_id, site=site)
