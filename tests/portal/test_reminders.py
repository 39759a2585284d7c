"""Due in 7 and 2 days, and overdue: each reminder sent once, with no child data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from portal.delegation import services
from portal.models import ReminderSent
from portal.tasks import send_due_reminders
from thrive.models import OutboxEmail

from .conftest import make_task

TODAY = date(2026, 11, 23)


def at(day):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 7, 15, tzinfo=ZoneInfo("Europe/London")),
        tick=False,
    )


def reminders(task):
    return list(ReminderSent.objects.filter(task=task).values_list("kind", flat=True))


def test_a_task_gets_its_reminders_7_and_2_days_before_and_when_overdue(
    ehcna, send_officer, group, clinician, tray_admin
):
    task = make_task(ehcna, send_officer, group, clinician, required_by=TODAY + timedelta(days=7))
    OutboxEmail.objects.all().delete()

    with at(TODAY - timedelta(days=1)):
        assert send_due_reminders() == 0
    with at(TODAY):
        assert send_due_reminders() == 1
    (email,) = OutboxEmail.objects.all()
    assert email.to == [clinician.email] and "due in 7 days" in email.subject
    with at(TODAY + timedelta(days=5)):
        send_due_reminders()
    with at(TODAY + timedelta(days=8)):
        send_due_reminders()

    assert reminders(task) == ["due_7", "due_2", "overdue"]
    overdue = OutboxEmail.objects.get(subject__startswith="Task overdue")
    assert set(overdue.to) == {clinician.email, tray_admin.email}


def test_each_reminder_is_sent_once(ehcna, send_officer, group, clinician):
    make_task(ehcna, send_officer, group, clinician, required_by=TODAY + timedelta(days=2))
    OutboxEmail.objects.all().delete()

    with at(TODAY):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    with at(TODAY + timedelta(days=1)):
        assert send_due_reminders() == 0

    assert OutboxEmail.objects.count() == 1


def test_reminders_carry_no_child_data(ehcna, send_officer, group, clinician):
    task = make_task(ehcna, send_officer, group, clinician, required_by=TODAY - timedelta(days=1))
    OutboxEmail.objects.all().delete()

    with at(TODAY):
        send_due_reminders()

    (email,) = OutboxEmail.objects.all()
    text = email.subject + email.body
    assert "Diane" not in text and "Bluebell" not in text and "Test Street" not in text
    assert "EHCNA Information Gathering" in text and "22-Nov-2026" in text
    assert f"/portal/tasks/{task.pk}/" in text


def test_closed_tasks_and_tray_tasks(ehcna, send_officer, group, clinician, tray_admin):
    submitted = make_task(ehcna, send_officer, group, clinician, required_by=TODAY)
    services.retract_task(submitted, by=send_officer, reason="Sent in error")
    in_tray = make_task(ehcna, send_officer, group, required_by=TODAY + timedelta(days=2))
    OutboxEmail.objects.all().delete()

    with at(TODAY):
        send_due_reminders()

    assert reminders(submitted) == []
    assert reminders(in_tray) == ["due_2"]
    assert OutboxEmail.objects.get().to == [tray_admin.email]


def test_beat_runs_the_reminders_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["portal-due-reminders"]

    assert entry["task"] == send_due_reminders.name == "portal.tasks.send_due_reminders"
