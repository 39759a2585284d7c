"""Every change of a task: who may make it, what it writes, the history, audit and email."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.delegation import services
from portal.models import Status, TaskEvent
from thrive.models import AuditEvent, OutboxEmail, Role

from ..factories import person
from .conftest import COMPLETE, make_task


def emails_to(user):
    return [e for e in OutboxEmail.objects.all() if user.email in e.to]


def test_a_new_task_is_due_six_weeks_from_today_and_lands_in_the_work_tray(
    tray_task, tray_admin, group
):
    assert tray_task.required_by == timezone.localdate() + timedelta(weeks=6)
    assert tray_task.status == Status.ASSIGNED and tray_task.in_work_tray
    assert tray_task.events.get().kind == TaskEvent.Kind.CREATED
    assert AuditEvent.objects.filter(action="portal_task_created").exists()
    (email,) = emails_to(tray_admin)
    assert "EHCNA Information Gathering" in email.body
    assert f"/portal/tasks/{tray_task.pk}/" in email.body


def test_emails_carry_no_child_details(task, clinician):
    (email,) = emails_to(clinician)

    assert "Diane" not in email.subject + email.body
    assert "Bluebell" not in email.subject + email.body
    assert "Test Street" not in email.body


def test_only_send_officers_create_tasks(ehcna, clinician, group):
    with pytest.raises(services.TaskActionRefused):
        make_task(ehcna, clinician, group)


def test_a_named_clinician_must_belong_to_the_work_tray(ehcna, send_officer, group):
    outsider = person(Role.CLINICIAN)

    with pytest.raises(services.TaskActionRefused):
        make_task(ehcna, send_officer, group, outsider)


def test_the_tray_admin_delegates_to_a_clinician_of_the_group(tray_task, tray_admin, clinician):
    services.delegate_task(tray_task, by=tray_admin, clinician=clinician)

    assert tray_task.clinician == clinician and not tray_task.in_work_tray
    assert tray_task.events.last().kind == TaskEvent.Kind.DELEGATED
    assert emails_to(clinician)


def test_delegating_to_someone_outside_the_group_is_refused(tray_task, tray_admin):
    with pytest.raises(services.TaskActionRefused):
        services.delegate_task(tray_task, by=tray_admin, clinician=person(Role.CLINICIAN))


def test_saving_a_draft_starts_the_task_and_keeps_incomplete_answers(task, clinician):
    services.save_answers(task, by=clinician, answers={"background": "Known since 2019."})

    assert task.status == Status.IN_PROGRESS
    assert task.answers == {"background": "Known since 2019."}
    assert task.version == 2


def test_a_save_from_a_stale_page_is_refused(task, clinician):
    services.save_answers(task, by=clinician, answers={"a": "1"}, expected_version=1)

    with pytest.raises(services.StaleTask):
        services.save_answers(task, by=clinician, answers={"a": "2"}, expected_version=1)


def test_submitting_needs_every_required_answer(task, clinician, send_officer):
    with pytest.raises(services.TaskActionRefused):
        services.submit_task(task, by=clinician)

    services.save_answers(task, by=clinician, answers=COMPLETE)
    services.submit_task(task, by=clinician)

    assert task.status == Status.SUBMITTED and task.submitted_by == clinician
    assert emails_to(send_officer)[-1].subject == "Task submitted: EHCNA Information Gathering"


def test_reassigning_to_the_manager_awaits_counter_signature_and_keeps_history(
    task, clinician, colleague, group_manager
):
    services.reassign_task(task, by=clinician, to=colleague)
    services.reassign_task(task, by=colleague, to=group_manager)

    assert task.clinician == group_manager
    assert task.status == Status.AWAITING_COUNTERSIGNATURE
    hand_overs = task.events.filter(kind=TaskEvent.Kind.REASSIGNED)
    assert [(e.by, e.to_user) for e in hand_overs] == [
        (clinician, colleague),
        (colleague, group_manager),
    ]


def test_only_the_holder_can_reassign(task, colleague, group_manager):
    with pytest.raises(services.TaskActionRefused):
        services.reassign_task(task, by=colleague, to=group_manager)


def test_declining_tells_the_send_officer_who_can_then_retract(task, clinician, send_officer):
    services.decline_task(task, by=clinician, reason="Not known to our service")

    assert task.status == Status.DECLINED and task.decline_reason == "Not known to our service"
    assert emails_to(send_officer)[-1].subject.startswith("Task declined")
    services.retract_task(task, by=send_officer, reason="Child not known")
    assert task.status == Status.RETRACTED


def test_retracting_emails_the_clinician_and_makes_the_task_read_only(
    task, clinician, send_officer
):
    services.retract_task(task, by=send_officer, reason="Sent in error")

    assert task.status == Status.RETRACTED and task.retracted_at
    assert emails_to(clinician)[-1].subject.startswith("Task retracted")
    with pytest.raises(services.TaskActionRefused):
        services.save_answers(task, by=clinician, answers={"background": "x"})


def test_a_submitted_task_cannot_be_retracted(task, clinician, send_officer):
    services.save_answers(task, by=clinician, answers=COMPLETE)
    services.submit_task(task, by=clinician)

    with pytest.raises(services.TaskActionRefused):
        services.retract_task(task, by=send_officer, reason="Too late")


def test_overdue_is_derived_from_the_due_date(ehcna, send_officer, group, clinician):
    late = make_task(
        ehcna, send_officer, group, clinician, required_by=timezone.localdate() - timedelta(days=1)
    )

    assert late.is_overdue
    assert late.status_label == "Assigned (overdue)"
