"""Counter Signatory: the clinician re-assigns to the work group's manager, who reviews, may
amend, counter-signs (name and time recorded) and submits."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.delegation import countersign, services
from portal.models import Status, TaskEvent
from thrive.models import AuditEvent

from .conftest import COMPLETE

SIGNED_AT = datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/London"))


def task_url(task, section=1):
    return f"{reverse('portal:task', args=[task.pk])}?section={section}"


@pytest.fixture
def for_countersign(task, clinician, group_manager):
    services.save_answers(task, by=clinician, answers=COMPLETE)
    return services.reassign_task(task, by=clinician, to=group_manager)


def test_the_manager_counter_signs_and_their_name_and_time_are_recorded(
    for_countersign, group_manager
):
    task = for_countersign
    with time_machine.travel(SIGNED_AT, tick=False):
        countersign.countersign_task(task, by=group_manager)

    assert task.countersigned_by == group_manager
    assert task.countersigned_at == SIGNED_AT
    assert task.events.filter(kind=TaskEvent.Kind.COUNTERSIGNED, by=group_manager).exists()
    assert AuditEvent.objects.filter(action="portal_task_countersigned").exists()


def test_a_task_awaiting_counter_signature_is_submitted_only_once_counter_signed(
    for_countersign, group_manager
):
    task = for_countersign
    with pytest.raises(services.TaskActionRefused):
        services.submit_task(task, by=group_manager)

    countersign.countersign_task(task, by=group_manager)
    services.submit_task(task, by=group_manager)

    assert task.status == Status.SUBMITTED and task.submitted_by == group_manager


def test_only_the_manager_holding_the_task_counter_signs(task, clinician, group_manager):
    with pytest.raises(services.TaskActionRefused):
        countersign.countersign_task(task, by=clinician)
    with pytest.raises(services.TaskActionRefused):
        countersign.countersign_task(task, by=group_manager)  # not re-assigned to them


def test_re_assigning_after_counter_signing_removes_the_signature(
    for_countersign, group_manager, clinician
):
    task = countersign.countersign_task(for_countersign, by=group_manager)

    services.reassign_task(task, by=group_manager, to=clinician)

    assert task.countersigned_at is None and task.countersigned_by is None
    assert task.status == Status.IN_PROGRESS


def test_the_manager_amends_counter_signs_and_submits_from_the_form(
    client, for_countersign, group_manager, send_officer
):
    task = for_countersign
    client.force_login(group_manager)
    page = client.get(task_url(task))
    assert "You are the Counter Signatory" in page.text

    refused = client.post(task_url(task, 2), {"action": "submit", "background": "Amended."})
    assert "Counter-sign the form before you submit it" in refused.text

    client.post(task_url(task, 2), {"action": "countersign", "background": "Amended."})
    page = client.get(task_url(task))
    assert "Counter-signed By" in page.text and "Clara Morgan" in page.text

    response = client.post(task_url(task, 2), {"action": "submit", "background": "Amended."})
    assert response["Location"] == reverse("portal:landing")
    task.refresh_from_db()
    assert task.status == Status.SUBMITTED
    assert task.answers["background"] == "Amended."
    client.force_login(send_officer)
    detail = client.get(reverse("portal:send_task", args=[task.pk])).text
    assert "Counter-signed By" in detail and "Counter-signed" in detail
