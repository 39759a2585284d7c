"""Due and overdue reminders, sent by Celery beat every morning (portal.tasks). Each reminder
of a task is sent once: a ReminderSent row (unique per task and kind) records it, written in
the same transaction as the queued email. Emails name the form type and due date, with a link:
never the child."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from thrive import audit

from ..models import ReminderSent, Task
from .services import _notify, _tray_admin_emails

Kind = ReminderSent.Kind


def reminder_kind(task: Task, today: date) -> str | None:
    """Which reminder a task is due today: 7 days before (up to 3 days before, should a run be
    missed), 2 days before (up to the due date), or overdue."""
    days_left = (task.required_by - today).days
    if days_left < 0:
        return Kind.OVERDUE
    if days_left <= 2:
        return Kind.DUE_2
    if days_left <= 7:
        return Kind.DUE_7
    return None


def _recipients(task: Task, kind: str) -> list[str]:
    clinician = [task.clinician.email] if task.clinician_id and task.clinician.email else []
    if kind == Kind.OVERDUE:
        return sorted(set(clinician + _tray_admin_emails(task.work_group)))
    return clinician or _tray_admin_emails(task.work_group)


SUBJECTS = {
    Kind.DUE_7: ("Task due in 7 days", "A task is due within 7 days."),
    Kind.DUE_2: ("Task due in 2 days", "A task is due in 2 days."),
    Kind.OVERDUE: ("Task overdue", "A task is overdue: its Required By date has passed."),
}


def send_due_reminders(today: date | None = None) -> int:
    """Send every reminder due today that was not sent before. Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    tasks = (
        Task.objects.open()
        .filter(required_by__lte=today + timedelta(days=7))
        .select_related("form", "clinician", "work_group")
    )
    for task in tasks:
        kind = reminder_kind(task, today)
        if kind is None or ReminderSent.objects.filter(task=task, kind=kind).exists():
            continue
        to = _recipients(task, kind)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(task=task, kind=kind, to=to)
                subject, lead = SUBJECTS[kind]
                _notify(to, subject, task, lead, "portal:task")
                audit.record(None, "portal_reminder_sent", task, note=str(kind))
        except IntegrityError:  # another worker sent it a moment ago
            continue
        sent += 1
    return sent
