from celery import shared_task

from . import password_reset


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_password_reset(self, *, email: str, site: str, language: str) -> bool:
    return password_reset.password_reset_send(email=email, site=site, language=language)
