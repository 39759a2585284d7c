from celery import shared_task

from . import reminders


@shared_task
def send_due_reminders() -> int:
    """Every morning: tasks due in 7 and 2 days, and overdue ones (each reminder once)."""
    return reminders.send_due_reminders()
