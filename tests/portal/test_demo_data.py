import io

import pytest
from django.core.management import call_command

from portal.models import Status, Task
from thrive.models import User


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())


def test_demo_tasks_in_every_state_for_the_demo_sign_ins(demo):
    assert set(Task.objects.values_list("status", flat=True)) == set(Status.values)
    for username in ["send01", "tray01", "clin01", "clin02", "clinmgr01"]:
        user = User.objects.get(username=username)
        assert Task.objects.visible_to(user).exists(), username
    assert Task.objects.filter(clinician=None).exists()
    assert any(task.is_overdue for task in Task.objects.all())


def test_demo_tasks_load_once(demo, settings):
    count = Task.objects.count()

    call_command("demo_data", stdout=io.StringIO())

    assert Task.objects.count() == count


def test_demo_data_has_a_counter_signed_task_and_an_automatic_reply(demo):
    from portal.models import AutomaticReply

    signed = Task.objects.get(countersigned_by__username="clinmgr01")
    assert signed.status == Status.SUBMITTED
    reply = AutomaticReply.objects.get(user__username="clin02")
    assert reply.is_active() and reply.redirect_to.username == "clin01"


def test_demo_data_has_a_registered_person_waiting_to_join_tray01s_group(demo):
    from portal.people.accounts import waiting_to_join
    from thrive.models import WorkGroup

    group = WorkGroup.objects.get(memberships__user__username="tray01")

    assert [p.username for p in waiting_to_join(group)] == ["ellisn01"]
