"""One person edits a task at a time. The lock is two columns of the task (locked_by,
locked_at): taken when its holder opens the form, renewed by every save, released by Submit
and Close, and void once PORTAL_EDIT_LOCK_MINUTES pass without one (an abandoned form). The
work group's manager can take the task over (audited)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from thrive import audit
from thrive.models import User

from ..models import Task, TaskEvent
from .services import TaskActionRefused, _notify, _touch


def lock_minutes() -> int:
    return getattr(settings, "PORTAL_EDIT_LOCK_MINUTES", 15)


def _expired_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(minutes=lock_minutes())


def is_live(task: Task) -> bool:
    return bool(task.locked_by_id and task.locked_at and task.locked_at > _expired_before())


def editing_by_other(task: Task, user: User):
    """(person, since) when someone else has the form open, else None."""
    if task.is_open and is_live(task) and task.locked_by_id != user.pk:
        return task.locked_by, task.locked_at
    return None


def acquire(task: Task, *, by: User) -> bool:
    """Take or renew the lock unless someone else holds a live one. True when `by` holds it."""
    now = timezone.now()
    got = (
        Task.objects.filter(pk=task.pk)
        .filter(Q(locked_by=None) | Q(locked_by=by) | Q(locked_at__lte=_expired_before(now)))
        .update(locked_by=by, locked_at=now)
    )
    task.refresh_from_db(fields=["locked_by", "locked_at"])
    return bool(got)


def release(task: Task, *, by: User) -> None:
    """Give the lock up (Submit, Close); nothing happens if someone else holds it."""
    Task.objects.filter(pk=task.pk, locked_by=by).update(locked_by=None, locked_at=None)
    task.refresh_from_db(fields=["locked_by", "locked_at"])


def may_take_over(user: User, task: Task) -> bool:
    """The work group's manager takes over an open task someone else holds."""
    return (
        task.is_open
        and task.work_group.manager_id == user.pk
        and task.clinician_id is not None
        and task.clinician_id != user.pk
    )


@transaction.atomic
def take_over(task: Task, *, by: User, request=None) -> Task:
    """The manager takes the task over: it becomes theirs, with the edit lock, whoever had the
    form open. The previous holder is emailed; the history and the audit log record it."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not may_take_over(by, task):
        raise TaskActionRefused("Only the work group’s manager can take over this task.")
    previous = task.clinician
    _touch(task, clinician=by, locked_by=by, locked_at=timezone.now())
    TaskEvent.objects.create(
        task=task,
        kind=TaskEvent.Kind.TAKEN_OVER,
        by=by,
        to_user=by,
        note=f"from {previous.full_name}",
    )
    audit.record(request, "portal_task_taken_over", task, user=by, note="manager took over")
    _notify(
        [previous.email],
        "Task taken over by your manager",
        task,
        "Your work group’s manager took over a task you held.",
        "portal:task",
    )
    return task
