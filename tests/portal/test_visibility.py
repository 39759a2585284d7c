"""Who sees which task: Task.objects.visible_to."""

from portal.delegation import services
from portal.models import Task
from thrive.models import Role

from ..factories import WorkGroupFactory, person
from .conftest import make_task


def visible(user):
    return set(Task.objects.visible_to(user))


def test_the_send_officer_and_their_council_team_see_the_tasks_they_sent(
    task, send_officer, council
):
    teammate = person(Role.SEND_OFFICER, organisation=council)
    other_council_officer = person(Role.SEND_OFFICER)

    assert visible(send_officer) == {task}
    assert visible(teammate) == {task}
    assert visible(other_council_officer) == set()


def test_tray_admins_see_their_work_groups_tasks_only(tray_task, tray_admin):
    stranger = person(Role.TRAY_ADMIN)

    assert visible(tray_admin) == {tray_task}
    assert visible(stranger) == set()


def test_clinicians_see_tasks_assigned_to_them_and_the_manager_sees_the_group(
    task, tray_task, clinician, colleague, group_manager
):
    assert visible(clinician) == {task}
    assert visible(colleague) == set()
    assert visible(group_manager) == {task, tray_task}


def test_nobody_sees_another_health_partners_tasks(ehcna, send_officer, clinician, tray_admin):
    other_group = WorkGroupFactory()
    other_clinician = person(Role.CLINICIAN, work_group=other_group)
    theirs = make_task(ehcna, send_officer, other_group, other_clinician)

    assert theirs not in visible(clinician)
    assert theirs not in visible(tray_admin)
    assert visible(other_clinician) == {theirs}


def test_a_retracted_task_stays_visible_to_its_clinician(task, send_officer, clinician):
    services.retract_task(task, by=send_officer, reason="Sent in error")

    assert visible(clinician) == {task}
    assert not services.may_edit(clinician, Task.objects.get())


def test_administrators_never_see_child_records(task):
    assert visible(person(Role.SYSTEM_ADMIN)) == set()


def test_a_clinician_who_leaves_the_work_group_loses_the_task(task, clinician):
    clinician.memberships.all().delete()
    clinician = type(clinician).objects.get(pk=clinician.pk)

    assert visible(clinician) == set()
