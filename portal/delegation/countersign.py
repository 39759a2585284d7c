"""Counter Signatory: a clinician re-assigns a task to their work group's manager, who reviews
it, may amend the answers (as its holder), counter-signs it (name and time recorded on the
task, its page and its PDF) and submits it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from thrive import audit
from thrive.models import User

from ..models import Status, Task, TaskEvent
from .services import TaskActionRefused, _touch


def may_countersign(user: User, task: Task) -> bool:
    """The work group's manager, holding a task that awaits their counter-signature."""
    return (
        task.status == Status.AWAITING_COUNTERSIGNATURE
        and task.clinician_id == user.pk
        and task.work_group.manager_id == user.pk
    )


def needs_countersignature(task: Task) -> bool:
    """A task awaiting counter-signature is submitted only once counter-signed."""
    return task.status == Status.AWAITING_COUNTERSIGNATURE and task.countersigned_at is None


@transaction.atomic
def countersign_task(task: Task, *, by: User, request=None) -> Task:
    """The manager counter-signs the task re-assigned to them: their name and the time are
    recorded on the task (countersigned_by, countersigned_at) and in its history. They then
    submit it (Submit Contribution)."""
    if not may_countersign(by, task):
        raise TaskActionRefused("Only the work group’s manager counter-signs a task sent to them.")
    _touch(task, countersigned_by=by, countersigned_at=timezone.now())
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.COUNTERSIGNED, by=by)
    audit.record(request, "portal_task_countersigned", task, user=by)
    return task
