"""Every change to a portal task: one small function per transition. Each checks the person's
right and the task's state, writes, records the hand-over in the task's history, audits and
queues the email (form type, due date and a link only: never the child's details), in one
transaction."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from thrive import audit
from thrive.models import Membership, Role, User, WorkGroup
from thrive.outbox import queue_email

from ..models import OPEN_STATES, FormDefinition, Status, Task, TaskEvent


class TaskActionRefused(Exception):
    """The action is not possible for this person or in the task's present state."""


class StaleTask(Exception):
    """Someone else saved the task since the page was opened."""


# --- Who may do what ---------------------------------------------------------------------------


def is_tray_admin_of(user: User, task: Task) -> bool:
    return Membership.objects.filter(
        user=user, role=Role.TRAY_ADMIN, work_group_id=task.work_group_id
    ).exists()


def may_edit(user: User, task: Task) -> bool:
    """Only the clinician the task is assigned to fills in the form, while it is open."""
    return task.is_open and task.clinician_id == user.pk


def may_delegate(user: User, task: Task) -> bool:
    return task.is_open and is_tray_admin_of(user, task)


def may_retract(user: User, task: Task) -> bool:
    return user.has_role(Role.SEND_OFFICER) and (
        task.status in OPEN_STATES or task.status == Status.DECLINED
    )


def reassign_candidates(user: User, task: Task):
    """The clinicians of the task's work group and its manager, except the present holder."""
    group = task.work_group
    people = User.objects.filter(
        is_active=True,
        memberships__work_group=group,
        memberships__role=Role.CLINICIAN,
    )
    if group.manager_id:
        people = people | User.objects.filter(pk=group.manager_id, is_active=True)
    return people.exclude(pk=task.clinician_id).distinct().order_by("full_name")


def delegation_candidates(task: Task):
    return (
        User.objects.filter(
            is_active=True,
            memberships__work_group_id=task.work_group_id,
            memberships__role=Role.CLINICIAN,
        )
        .distinct()
        .order_by("full_name")
    )


# --- Emails ------------------------------------------------------------------------------------


def _link(name: str, task: Task) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[task.pk])}"


def _notify(to: list[str], subject: str, task: Task, lead: str, link_name: str) -> None:
    to = [address for address in to if address]
    if not to:
        return
    queue_email(
        to=to,
        subject=f"{subject}: {task.form.name}",
        body=(
            f"{lead}\n\n"
            f"Form type: {task.form.name}\n"
            f"Due date: {task.required_by:%d-%b-%Y}\n\n"
            f"Open the task: {_link(link_name, task)}\n"
        ),
    )


def _tray_admin_emails(group: WorkGroup) -> list[str]:
    return list(
        Membership.objects.filter(work_group=group, role=Role.TRAY_ADMIN, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


# --- Transitions -------------------------------------------------------------------------------


def _touch(task: Task, *, expected_version: int | None = None, **fields) -> Task:
    """Write `fields` if nobody else saved the task since `expected_version` was read."""
    query = Task.objects.filter(pk=task.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updated = query.update(**fields, modified_at=timezone.now(), version=F("version") + 1)
    if not updated:
        raise StaleTask
    task.refresh_from_db()
    return task


@transaction.atomic
def create_task(
    *,
    by: User,
    form: FormDefinition,
    child_name: str,
    child_date_of_birth: date,
    child_address: str,
    work_group: WorkGroup,
    clinician: User | None = None,
    required_by: date | None = None,
    comments: str = "",
    department: str = "",
    telephone: str = "",
    sender_address: str = "",
    request=None,
) -> Task:
    """A SEND officer sends a form about a child to a work tray, or straight to one of its
    clinicians. Due 6 weeks from today unless `required_by` says otherwise."""
    if not by.has_role(Role.SEND_OFFICER):
        raise TaskActionRefused("Only SEND officers can create portal tasks.")
    if not form.active:
        raise TaskActionRefused("That form type is no longer offered.")
    if clinician is not None and not delegation_candidates_for(work_group, clinician):
        raise TaskActionRefused("The clinician is not in that work tray’s team.")
    task = Task(
        form=form,
        child_name=child_name,
        child_date_of_birth=child_date_of_birth,
        child_address=child_address,
        comments=comments,
        sent_by=by,
        council=by.organisation,
        department=department,
        telephone=telephone,
        sender_address=sender_address,
        work_group=work_group,
        clinician=clinician,
    )
    if required_by:
        task.required_by = required_by
    task.save()
    TaskEvent.objects.create(
        task=task, kind=TaskEvent.Kind.CREATED, by=by, to_work_group=work_group, to_user=clinician
    )
    audit.record(request, "portal_task_created", task, user=by)
    if clinician:
        _notify(
            [clinician.email],
            "New task assigned to you",
            task,
            "A task is assigned to you.",
            "portal:task",
        )
    else:
        _notify(
            _tray_admin_emails(work_group),
            "New task in your work tray",
            task,
            f"A new task is in the {work_group.name} work tray.",
            "portal:task",
        )
    return task


def delegation_candidates_for(group: WorkGroup, clinician: User) -> bool:
    return Membership.objects.filter(
        user=clinician, work_group=group, role=Role.CLINICIAN, user__is_active=True
    ).exists()


@transaction.atomic
def delegate_task(task: Task, *, by: User, clinician: User, request=None) -> Task:
    """A work tray admin gives a task of the shared work tray to a clinician of the group."""
    if not may_delegate(by, task):
        raise TaskActionRefused("Only the work tray’s admin can delegate an open task.")
    if not delegation_candidates_for(task.work_group, clinician):
        raise TaskActionRefused("Choose a clinician of this work tray’s team.")
    _touch(task, clinician=clinician)
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.DELEGATED, by=by, to_user=clinician)
    audit.record(request, "portal_task_delegated", task, user=by)
    _notify(
        [clinician.email],
        "New task assigned to you",
        task,
        "A task is assigned to you.",
        "portal:task",
    )
    return task


@transaction.atomic
def save_answers(
    task: Task, *, by: User, answers: dict, expected_version: int | None = None, request=None
) -> Task:
    """Save a draft: merge this section's answers into the task. Nothing is required yet."""
    if not may_edit(by, task):
        raise TaskActionRefused("Only the clinician the task is assigned to can change it.")
    merged = {**task.answers, **answers}
    status = Status.IN_PROGRESS if task.status == Status.ASSIGNED else task.status
    started = task.status == Status.ASSIGNED
    _touch(task, expected_version=expected_version, answers=merged, status=status)
    if started:
        TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.STARTED, by=by)
    audit.record(request, "portal_task_saved", task, user=by)
    return task


@transaction.atomic
def submit_task(task: Task, *, by: User, request=None) -> Task:
    """Submit Contribution: every required answer must be there (the view checks and shows
    what is missing; this refuses anyway). The SEND officer is told."""
    from ..form_engine.definitions import missing_required

    if not may_edit(by, task):
        raise TaskActionRefused("Only the clinician the task is assigned to can submit it.")
    answers = task.answers_with_prefill()
    if missing_required(task.form.definition, answers):
        raise TaskActionRefused("Answer every required question before submitting.")
    if task.status == Status.AWAITING_COUNTERSIGNATURE and not task.countersigned_at:
        raise TaskActionRefused("Counter-sign the form before submitting it.")
    _touch(
        task,
        answers=answers,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=by,
    )
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.SUBMITTED, by=by)
    audit.record(request, "portal_task_submitted", task, user=by)
    _notify(
        [task.sent_by.email],
        "Task submitted",
        task,
        "A health partner submitted a task.",
        "portal:send_task",
    )
    return task


@transaction.atomic
def reassign_task(task: Task, *, by: User, to: User, request=None) -> Task:
    """Re-Assign: hand the task to another member of its work group, or to the group's
    manager to counter-sign (the task then awaits counter-signature)."""
    if not may_edit(by, task):
        raise TaskActionRefused("Only the clinician the task is assigned to can re-assign it.")
    if not reassign_candidates(by, task).filter(pk=to.pk).exists():
        raise TaskActionRefused("Choose a member of this task’s work group.")
    status = task.status
    if to.pk == task.work_group.manager_id:
        status = Status.AWAITING_COUNTERSIGNATURE
    elif status == Status.AWAITING_COUNTERSIGNATURE:
        status = Status.IN_PROGRESS
    # A new holder may change the form: any counter-signature and the edit lock go.
    _touch(
        task,
        clinician=to,
        status=status,
        countersigned_by=None,
        countersigned_at=None,
        locked_by=None,
        locked_at=None,
    )
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.REASSIGNED, by=by, to_user=to)
    audit.record(request, "portal_task_reassigned", task, user=by)
    _notify(
        [to.email], "Task re-assigned to you", task, "A task was re-assigned to you.", "portal:task"
    )
    return task


@transaction.atomic
def decline_task(task: Task, *, by: User, reason: str, request=None) -> Task:
    """The child is not known to this service: the clinician (or the tray admin) declines,
    with a reason. The SEND officer is told and can retract the task."""
    if not (may_edit(by, task) or may_delegate(by, task)):
        raise TaskActionRefused("Only the assigned clinician or the tray admin can decline.")
    if not reason.strip():
        raise TaskActionRefused("Enter the reason.")
    _touch(task, status=Status.DECLINED, declined_at=timezone.now(), decline_reason=reason)
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.DECLINED, by=by, note=reason)
    audit.record(request, "portal_task_declined", task, user=by, note="child not known")
    _notify(
        [task.sent_by.email],
        "Task declined",
        task,
        "A health partner declined a task: child not known to this service.",
        "portal:send_task",
    )
    return task


@transaction.atomic
def retract_task(task: Task, *, by: User, reason: str, request=None) -> Task:
    """A SEND officer withdraws a task. The clinician keeps it, read-only, in Recently
    Retracted Tasks and is emailed (the tray admins are, for a task still in the tray)."""
    if not may_retract(by, task):
        raise TaskActionRefused("Only an open or declined task can be retracted.")
    if not reason.strip():
        raise TaskActionRefused("Enter the reason.")
    _touch(task, status=Status.RETRACTED, retracted_at=timezone.now(), retraction_reason=reason)
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.RETRACTED, by=by, note=reason)
    audit.record(request, "portal_task_retracted", task, user=by)
    to = [task.clinician.email] if task.clinician_id else _tray_admin_emails(task.work_group)
    _notify(to, "Task retracted", task, "The SEND team retracted a task.", "portal:task")
    return task


# --- Supporting Documentation ------------------------------------------------------------------


class DuplicateSupportingDocument(TaskActionRefused):
    """The same file (same SHA-256) is already attached to the task; it is not stored again."""

    def __init__(self, existing):
        super().__init__(f"This file is already attached to the task as {existing.name}")
        self.existing = existing


# The portal takes Word, PDF, JPG and PNG files: the shared checks also accept Excel.
PORTAL_DOCUMENT_KINDS = frozenset({"word", "pdf", "image"})
PORTAL_KIND_REFUSED = "The selected file must be a Word document, PDF, JPG or PNG"


def may_attach(user: User, task: Task) -> bool:
    """The clinician holding an open task, or its work tray's admin, attach and remove files
    until the task is submitted."""
    return may_edit(user, task) or may_delegate(user, task)


def may_see_documents(user: User, task: Task) -> bool:
    """Whoever can see the task (Task.visible_to) sees its files, except that a SEND officer
    who is not also in the health partner's team sees them once the task is submitted."""
    if user.has_role(Role.CLINICIAN, Role.TRAY_ADMIN):
        return True
    return task.status == Status.SUBMITTED


@transaction.atomic
def _create_document(task: Task, *, by: User, checked, stored: str):
    from ..models import SupportingDocument

    return SupportingDocument.objects.create(
        task=task,
        name=checked.safe_name,
        stored_name=stored,
        **checked.facts,
        uploaded_by=by,
    )


def attach_document(task: Task, *, by: User, checked, request=None):
    """Attach one checked upload (documents.uploads.check_upload or SafeFileField) to a task:
    stored with store_checked_upload(prefix="portal"). Excel files are refused, and so is a
    file already attached to the task (DuplicateSupportingDocument). Call it outside any longer
    transaction: the stored object is deleted at once when the row cannot be written."""
    from django.core.files.storage import default_storage
    from django.db import IntegrityError

    from documents.uploads import store_checked_upload

    from ..models import SupportingDocument

    if not may_attach(by, task):
        raise TaskActionRefused("Only the clinician or the work tray admin can attach files.")
    if checked.kind not in PORTAL_DOCUMENT_KINDS:
        raise TaskActionRefused(PORTAL_KIND_REFUSED)
    existing = SupportingDocument.objects.filter(task=task, sha256=checked.sha256).first()
    if existing:
        raise DuplicateSupportingDocument(existing)
    stored = store_checked_upload(checked, prefix="portal")
    try:
        document = _create_document(task, by=by, checked=checked, stored=stored)
    except IntegrityError:
        default_storage.delete(stored)
        existing = SupportingDocument.objects.filter(task=task, sha256=checked.sha256).first()
        if existing:  # attached by someone else at the same moment
            raise DuplicateSupportingDocument(existing) from None
        raise
    except BaseException:
        default_storage.delete(stored)
        raise
    audit.record(request, "portal_document_attached", document, user=by, note=checked.kind)
    return document


@transaction.atomic
def remove_document(document, *, by: User, request=None) -> None:
    """Remove a supporting document before the task is submitted; the stored object is
    deleted once the removal is committed."""
    from django.core.files.storage import default_storage

    task = document.task
    if not may_attach(by, task):
        raise TaskActionRefused("Files can only be removed from an open task.")
    stored = document.stored_name
    audit.record(request, "portal_document_removed", document, user=by)
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))
