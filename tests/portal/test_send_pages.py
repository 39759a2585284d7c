"""The SEND officer's pages: create a task, list every task with status, retract."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from portal.delegation import services
from portal.models import Status, Task
from thrive.models import AuditEvent

from .conftest import make_task


def date_fields(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_the_new_task_form_defaults_to_six_weeks(client, send_officer, ehcna):
    client.force_login(send_officer)

    page = client.get(reverse("portal:send_create"))

    due = timezone.localdate() + timedelta(weeks=6)
    assert page.status_code == 200
    assert f'value="{due.year}"' in page.text
    assert "EHCNA Information Gathering" in page.text


def test_creating_a_task_for_a_named_clinician(client, send_officer, ehcna, group, clinician):
    client.force_login(send_officer)
    due = timezone.localdate() + timedelta(weeks=6)

    response = client.post(
        reverse("portal:send_create"),
        {
            "child_name": "Diane Bluebell",
            **date_fields("child_date_of_birth", timezone.localdate().replace(year=2013)),
            "child_address": "23 Test Street",
            "form": ehcna.pk,
            **date_fields("required_by", due),
            "comments": "Please complete the report",
            "work_group": group.pk,
            "clinician": clinician.pk,
            "department": "SEND North",
            "telephone": "01475 221192",
        },
    )

    task = Task.objects.get()
    assert response["Location"] == reverse("portal:send_task", args=[task.pk])
    assert (task.clinician, task.required_by, task.sent_by) == (clinician, due, send_officer)


def test_a_clinician_of_another_tray_is_refused_next_to_the_field(
    client, send_officer, ehcna, group
):
    from thrive.models import Role

    from ..factories import person

    client.force_login(send_officer)
    outsider = person(Role.CLINICIAN)

    page = client.post(
        reverse("portal:send_create"),
        {"form": ehcna.pk, "work_group": group.pk, "clinician": outsider.pk},
    )

    assert page.status_code == 200
    assert "<title>Error:" in page.text
    assert "Choose a clinician of the chosen work tray’s team" in page.text
    assert "Enter the child’s name" in page.text
    assert not Task.objects.exists()


def test_the_task_list_shows_status_and_filters(
    client, send_officer, ehcna, group, clinician, django_assert_max_num_queries
):
    submitted = make_task(ehcna, send_officer, group, clinician, child_name="Frodo Bagginski")
    services.retract_task(submitted, by=send_officer, reason="Duplicate")
    make_task(ehcna, send_officer, group, child_name="Diane Bluebell")
    client.force_login(send_officer)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:send_tasks"))
    filtered = client.get(reverse("portal:send_tasks"), {"status": Status.RETRACTED})

    assert "Count: 2" in page.text and "In work tray" in page.text
    assert "Frodo Bagginski" in filtered.text and "Diane Bluebell" not in filtered.text


def test_the_list_downloads_as_csv(client, send_officer, task):
    client.force_login(send_officer)

    response = client.get(reverse("portal:send_tasks"), {"export": "portal-tasks"})

    assert b"Diane Bluebell" in b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="exported", object_id="portal-tasks").exists()


def test_retracting_needs_a_reason(client, send_officer, task):
    client.force_login(send_officer)
    url = reverse("portal:retract", args=[task.pk])

    assert "Enter the reason" in client.post(url, {"reason": ""}).text
    client.post(url, {"reason": "Sent in error"})

    task.refresh_from_db()
    assert task.status == Status.RETRACTED


def test_the_send_officer_opens_a_task_and_the_view_is_audited(client, send_officer, task):
    client.force_login(send_officer)

    page = client.get(reverse("portal:send_task", args=[task.pk]))

    assert "Diane Bluebell" in page.text and "Retract task" in page.text
    assert AuditEvent.objects.filter(action="viewed", object_id=str(task.pk)).exists()
