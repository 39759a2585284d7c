"""The administrators' reports, the managers' list and the two-week set-up reminder."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from selfservice import notices
from selfservice.models import SelfServiceLock, SetupReminder
from thrive.models import AuditEvent, Role

from ..factories import person
from .factories import outbox, with_questions


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


def issued_days_ago(days, **kwargs):
    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        return person(Role.SERVICE_WORKER, **kwargs)


@pytest.mark.parametrize(
    "url_name",
    [
        "administration",
        "queue",
        "report_without_self_service",
        "report_expiring",
        "report_locked",
    ],
)
def test_reports_are_for_administrators_only(client, manager, admin_client, url_name):
    url = reverse(f"selfservice:{url_name}")

    assert admin_client.get(url).status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code == 404


def test_the_summary_links_to_the_core_lapsed_dbs_list(admin_client):
    page = admin_client.get(reverse("selfservice:administration")).text

    assert f'href="{reverse("people")}?dbs=lapsed"' in page


def test_people_without_self_service(admin_client, service, jo):
    late = issued_days_ago(20, service=service, full_name="Lara Late")
    issued_days_ago(2, service=service, full_name="Nell New")

    page = admin_client.get(reverse("selfservice:report_without_self_service")).text

    assert "Lara Late" in page and "Nell New" in page
    assert "Jo Bloggs" not in page
    assert page.count("Overdue</strong>") == 1
    assert late.full_name in page


def test_passwords_expiring_this_week(admin_client, service):
    soon = person(Role.SERVICE_WORKER, service=service, full_name="Sam Soon")
    soon.password_changed_at = timezone.now() - timedelta(days=26)
    soon.save()
    later = person(Role.SERVICE_WORKER, service=service, full_name="Lou Later")
    later.password_changed_at = timezone.now() - timedelta(days=10)
    later.save()

    page = admin_client.get(reverse("selfservice:report_expiring")).text

    assert "Sam Soon" in page and "Lou Later" not in page


def test_locked_accounts_and_unlocking(admin_client, service):
    stuck = person(Role.SERVICE_WORKER, service=service, full_name="Stu Stuck")
    SelfServiceLock.objects.create(user=stuck, needs_administrator=True, locked_at=timezone.now())
    lifted = person(Role.SERVICE_WORKER, service=service, full_name="Lee Lifted")
    SelfServiceLock.objects.create(user=lifted, locked_until=timezone.now() - timedelta(minutes=1))

    page = admin_client.get(reverse("selfservice:report_locked")).text
    assert "Stu Stuck" in page and "Lee Lifted" not in page

    response = admin_client.post(reverse("selfservice:unlock", args=[stuck.pk]))

    assert response.status_code == 302
    assert not SelfServiceLock.objects.get(user=stuck).is_locked()
    assert AuditEvent.objects.filter(
        action="selfservice_unlocked", object_id=str(stuck.pk)
    ).exists()


def test_unlocking_is_a_post(admin_client, service):
    stuck = person(Role.SERVICE_WORKER, service=service)

    assert admin_client.get(reverse("selfservice:unlock", args=[stuck.pk])).status_code == 405


@pytest.mark.parametrize(
    "url_name", ["report_without_self_service", "report_expiring", "report_locked"]
)
def test_reports_keep_their_query_counts(
    admin_client, service, url_name, django_assert_max_num_queries
):
    for number in range(20):
        user = issued_days_ago(20, service=service)
        user.password_changed_at = timezone.now() - timedelta(days=26)
        user.save()
        SelfServiceLock.objects.create(user=user, needs_administrator=True)
        if number % 2:
            SetupReminder.objects.create(user=user)

    with django_assert_max_num_queries(12):
        admin_client.get(reverse(f"selfservice:{url_name}"))


# --- Managers ---------------------------------------------------------------------------------


def test_managers_see_their_own_people_without_self_service(client, manager, service):
    issued_days_ago(3, service=service, full_name="Mo Mine")
    person(Role.SERVICE_WORKER, full_name="Ollie Other")
    client.force_login(manager)

    page = client.get(reverse("selfservice:requests")).text

    assert "Mo Mine" in page and "Ollie Other" not in page


def test_the_manager_is_emailed_once_after_two_weeks(manager, service):
    issued_days_ago(15, service=service)
    issued_days_ago(13, service=service)
    with_questions(issued_days_ago(20, service=service))

    assert notices.send_setup_reminders() == 1
    assert notices.send_setup_reminders() == 0
    [email] = outbox("has not set up Thrive self-service")
    assert email.to == [manager.email]
    assert "/selfservice/requests/" in email.body


def test_a_work_groups_manager_is_told(work_group):
    lead = person(Role.CLINICIAN, work_group=work_group)
    work_group.manager = lead
    work_group.save()
    with time_machine.travel(timezone.now() - timedelta(days=15), tick=False):
        person(Role.CLINICIAN, work_group=work_group)

    notices.send_setup_reminders()

    assert [email.to for email in outbox("self-service")] == [[lead.email]]


def test_the_reminder_task_runs(manager, service):
    from selfservice.tasks import send_setup_reminders

    issued_days_ago(15, service=service)

    assert send_setup_reminders.delay().get() == 1
