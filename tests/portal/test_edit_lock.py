"""One person edits a task at a time: a database lock taken on opening the form, renewed by
saves, released by Submit and Close, void after PORTAL_EDIT_LOCK_MINUTES; the manager takes
over (audited)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.delegation import locks, services
from portal.models import TaskEvent
from thrive.models import AuditEvent, OutboxEmail

from .conftest import COMPLETE

OPENED = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def task_url(task, section=1):
    return f"{reverse('portal:task', args=[task.pk])}?section={section}"


@pytest.fixture
def clock():
    with time_machine.travel(OPENED, tick=False) as traveller:
        yield traveller


def test_opening_the_form_takes_the_lock(client, clock, task, clinician):
    client.force_login(clinician)

    client.get(task_url(task))

    task.refresh_from_db()
    assert task.locked_by == clinician and task.locked_at == OPENED


def test_someone_else_sees_the_task_read_only_while_it_is_being_edited(
    client, clock, task, clinician, group_manager
):
    client.force_login(clinician)
    client.get(task_url(task))

    client.force_login(group_manager)
    page = client.get(task_url(task))

    assert "being edited by Chloe Lin since 23-Nov-2026 09:00" in page.text
    assert 'name="background"' not in page.text


def test_the_lock_expires_when_the_form_is_abandoned(client, settings, clock, task, clinician):
    settings.PORTAL_EDIT_LOCK_MINUTES = 15
    locks.acquire(task, by=clinician)

    clock.shift(timedelta(minutes=14))
    assert locks.is_live(task)
    clock.shift(timedelta(minutes=2))
    assert not locks.is_live(task)


def test_a_save_renews_the_lock(client, clock, task, clinician):
    client.force_login(clinician)
    client.get(task_url(task))
    clock.shift(timedelta(minutes=10))

    client.post(task_url(task, 2), {"action": "save", "background": "x"})

    task.refresh_from_db()
    assert task.locked_at == OPENED + timedelta(minutes=10)


def test_close_releases_the_lock(client, clock, task, clinician):
    client.force_login(clinician)
    client.get(task_url(task))

    response = client.post(task_url(task), {"action": "close"})

    assert response["Location"] == reverse("portal:landing")
    task.refresh_from_db()
    assert task.locked_by is None


def test_a_live_lock_of_someone_else_stops_a_save(client, clock, task, clinician, colleague):
    locks.acquire(task, by=colleague)
    client.force_login(clinician)

    page = client.post(task_url(task, 2), {"action": "save", "background": "mine"})

    assert "Your changes were not saved" in page.text
    task.refresh_from_db()
    assert "background" not in task.answers
    clock.shift(timedelta(minutes=16))
    client.post(task_url(task, 2), {"action": "save", "background": "mine"})
    task.refresh_from_db()
    assert task.answers["background"] == "mine" and task.locked_by == clinician


def test_the_manager_takes_the_task_over(client, clock, task, clinician, group_manager):
    client.force_login(clinician)
    client.get(task_url(task))
    client.force_login(group_manager)
    assert "Take over this task" in client.get(task_url(task)).text

    client.post(reverse("portal:take_over", args=[task.pk]))

    task.refresh_from_db()
    assert task.clinician == group_manager and task.locked_by == group_manager
    assert task.events.last().kind == TaskEvent.Kind.TAKEN_OVER
    assert AuditEvent.objects.filter(action="portal_task_taken_over").exists()
    assert any(
        clinician.email in e.to for e in OutboxEmail.objects.filter(subject__contains="taken")
    )
    assert 'name="background"' in client.get(task_url(task, 2)).text
    client.force_login(clinician)
    assert client.post(task_url(task, 2), {"action": "save"}).status_code == 404


def test_only_the_manager_takes_over(client, task, colleague, tray_admin):
    for person in (colleague, tray_admin):
        with pytest.raises(services.TaskActionRefused):
            locks.take_over(task, by=person)
    client.force_login(colleague)
    assert client.post(reverse("portal:take_over", args=[task.pk])).status_code == 404


def test_a_closed_task_shows_no_editing_notice(client, clock, task, clinician, send_officer):
    locks.acquire(task, by=clinician)
    services.retract_task(task, by=send_officer, reason="Sent in error")

    assert locks.editing_by_other(task, send_officer) is None


def test_submitting_releases_the_lock(client, clock, task, clinician):
    services.save_answers(task, by=clinician, answers=COMPLETE)
    client.force_login(clinician)
    client.get(task_url(task))

    response = client.post(task_url(task, 2), {"action": "submit", "background": "Known."})

    assert response["Location"] == reverse("portal:landing")
    task.refresh_from_db()
    assert task.status == "submitted" and task.locked_by is None


def test_while_the_database_cannot_take_writes_the_task_opens_read_only_without_the_lock(
    client, task, clinician, monkeypatch
):
    from thrive import database

    client.force_login(clinician)
    monkeypatch.setattr(database.watch, "up", False)  # automatic read-only mode

    page = client.get(reverse("portal:task", args=[task.pk]))

    assert page.status_code == 200
    monkeypatch.setattr(database.watch, "up", True)
    task.refresh_from_db()
    assert task.locked_by is None
