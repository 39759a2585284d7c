"""Before a SEND officer sends a task, earlier tasks they can see about what may be the same
child are shown, so that a child is not asked about twice by mistake."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from portal.models import Task
from thrive.models import Role

from ..factories import person
from .conftest import make_task


def date_fields(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def new_task(ehcna, group, clinician, **changes):
    return {
        "child_name": "Dianne Blubell",
        **date_fields("child_date_of_birth", date(2013, 2, 10)),
        "child_address": "23 Test Street",
        "form": ehcna.pk,
        **date_fields("required_by", timezone.localdate() + timedelta(weeks=6)),
        "work_group": group.pk,
        "clinician": clinician.pk,
        "department": "SEND North",
        "telephone": "01475 221192",
        **changes,
    }


def test_an_earlier_task_for_the_same_child_is_shown_before_sending(
    client, send_officer, ehcna, group, clinician
):
    earlier = make_task(
        ehcna,
        send_officer,
        group,
        clinician,
        child_name="Diane Bluebell",
        child_date_of_birth=date(2013, 2, 10),
    )
    client.force_login(send_officer)

    page = client.post(reverse("portal:send_create"), new_task(ehcna, group, clinician))

    assert page.status_code == 200
    assert page.context["earlier"] == [earlier]
    assert "There are earlier tasks for this child" in page.text
    assert Task.objects.count() == 1


def test_the_officer_sends_it_once_they_have_seen_the_earlier_tasks(
    client, send_officer, ehcna, group, clinician
):
    make_task(
        ehcna,
        send_officer,
        group,
        clinician,
        child_name="Diane Bluebell",
        child_date_of_birth=date(2013, 2, 10),
    )
    client.force_login(send_officer)
    data = new_task(ehcna, group, clinician, earlier_checked="1")

    assert client.post(reverse("portal:send_create"), data).status_code == 302
    assert Task.objects.count() == 2


def test_another_childs_task_is_not_shown(client, send_officer, ehcna, group, clinician):
    make_task(
        ehcna,
        send_officer,
        group,
        clinician,
        child_name="Diane Bluebell",
        child_date_of_birth=date(2014, 2, 10),
    )
    client.force_login(send_officer)

    assert (
        client.post(reverse("portal:send_create"), new_task(ehcna, group, clinician)).status_code
        == 302
    )


def test_tasks_the_officer_cannot_see_are_never_shown(
    client, send_officer, ehcna, group, clinician
):
    someone_else = person(Role.SEND_OFFICER)
    make_task(
        ehcna,
        someone_else,
        group,
        clinician,
        child_name="Diane Bluebell",
        child_date_of_birth=date(2013, 2, 10),
    )
    client.force_login(send_officer)

    assert (
        client.post(reverse("portal:send_create"), new_task(ehcna, group, clinician)).status_code
        == 302
    )
