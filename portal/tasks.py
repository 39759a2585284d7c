from celery import shared_task

from .delegation import reminders


@shared_task
def send_due_reminders() -> int:
    """Every morning: tasks due in 7 and 2 days, and overdue ones (each reminder once)."""
    return reminders.send_due_reminders()


@shared_task
def purge_unconfirmed_registrations() -> int:
    """Hourly: registrations whose email address was never confirmed."""
    from .people.accounts import purge_unconfirmed

    return purge_unconfirmed()
