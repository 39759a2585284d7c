"""Daily self-service work, run by Celery beat (see CELERY_BEAT_SCHEDULE). Each task is
idempotent: running it twice sends nothing twice."""

from celery import shared_task

from . import services


@shared_task
def send_password_expiry_notices() -> int:
    return services.send_expiry_notices()


@shared_task
def send_setup_reminders() -> int:
    return services.send_setup_reminders()


@shared_task
def purge_expired_codes() -> int:
    return services.purge_expired_codes()
