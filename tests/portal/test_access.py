"""Beyond the isolation harness (other tenants): people of the same health partner who are
not on the task, and tasks whose state no longer allows the action, answer 404."""

import pytest
from django.urls import reverse

from portal.delegation import services

CLINICIAN_URLS = ["portal:task", "portal:reassign", "portal:decline"]


@pytest.mark.parametrize("name", CLINICIAN_URLS)
def test_a_clinician_not_on_the_task_gets_404(client, task, colleague, name):
    client.force_login(colleague)
    url = reverse(name, args=[task.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("name", ["portal:reassign", "portal:decline"])
def test_a_retracted_task_cannot_be_reassigned_or_declined(
    client, task, clinician, send_officer, name
):
    services.retract_task(task, by=send_officer, reason="Sent in error")
    client.force_login(clinician)
    url = reverse(name, args=[task.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_a_retracted_task_cannot_be_delegated_or_retracted_again(
    client, tray_task, tray_admin, send_officer
):
    services.retract_task(tray_task, by=send_officer, reason="Sent in error")

    client.force_login(tray_admin)
    assert client.get(reverse("portal:delegate", args=[tray_task.pk])).status_code == 404
    client.force_login(send_officer)
    assert client.get(reverse("portal:retract", args=[tray_task.pk])).status_code == 404


@pytest.mark.parametrize("who", ["clinician", "tray_admin"])
def test_the_send_pages_are_for_send_officers_only(client, task, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("portal:send_tasks")).status_code == 404
    assert client.get(reverse("portal:send_task", args=[task.pk])).status_code == 404


def test_the_group_manager_sees_a_colleagues_task_read_only(client, task, group_manager):
    client.force_login(group_manager)

    page = client.get(reverse("portal:task", args=[task.pk]))

    assert page.status_code == 200 and 'name="full_name"' not in page.text
    assert client.post(reverse("portal:task", args=[task.pk])).status_code == 404
