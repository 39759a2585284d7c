"""Daily self-service work, run by Celery beat (see CELERY_BEAT_SCHEDULE). Each task is
idempotent: running it twice sends nothing twice."""

from celery import shared_task

from . import notices


@shared_task
def send_password_expiry_notices() -> int:
    return notices.send_expiry_notices()


@shared_task
def send_setup_reminders() -> int:
    return notices.send_setup_reminders()


@shared_task
def purge_expired_codes() -> int:
    return notices.purge_expired_codes()
