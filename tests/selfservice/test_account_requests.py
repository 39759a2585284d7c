"""The Thrive User Registration and User Changes Form: requests by managers and work tray
admins for their own team, decided by system administrators."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from selfservice import account_requests
from selfservice.account_requests import working_days_after
from selfservice.models import AccountRequest, Invitation, SelfServiceLock
from thrive.models import AuditEvent, Membership, Role, User

from ..factories import ServiceFactory, person
from .factories import account_request, outbox, with_questions

LONDON = ZoneInfo("Europe/London")
START = reverse("selfservice:request_start")


def new_account_url(service, kind="new-account"):
    return reverse("selfservice:request_new_service", args=[service.pk, kind])


def new_worker(**changes):
    """A valid new-account request. The DBS check (valid for 3 years) was two months before
    today, by whatever clock the test runs on."""
    checked = timezone.localdate() - timedelta(days=60)
    return {
        "full_name": "Nina Patel",
        "email": "nina.patel@example.org",
        "job_title": "Family support worker",
        "role": Role.SERVICE_WORKER,
        "dbs_check_date_day": str(checked.day),
        "dbs_check_date_month": str(checked.month),
        "dbs_check_date_year": str(checked.year),
        **changes,
    }


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


# --- Due dates: 5 working days, England and Wales bank holidays excluded ----------------------


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2026, 11, 2), date(2026, 11, 9)),  # Monday → Monday
        (date(2026, 11, 6), date(2026, 11, 13)),  # Friday → Friday
        (date(2026, 11, 7), date(2026, 11, 13)),  # Saturday: counting starts on Monday
        (date(2026, 11, 8), date(2026, 11, 13)),  # Sunday
        (date(2026, 12, 24), date(2027, 1, 5)),  # Christmas, Boxing Day (observed), New Year
        (date(2026, 4, 2), date(2026, 4, 13)),  # Good Friday and Easter Monday
        (date(2026, 8, 28), date(2026, 9, 7)),  # the late summer bank holiday
        (date(2026, 5, 22), date(2026, 6, 1)),  # the spring bank holiday
        (date(2027, 12, 23), date(2028, 1, 4)),  # Christmas on a Saturday: 27 and 28 off
    ],
)
def test_requests_are_due_five_working_days_on(submitted, due):
    assert working_days_after(submitted, 5) == due


def test_a_request_gets_a_reference_number_on_screen_and_by_email(client, manager, service):
    with time_machine.travel(datetime(2026, 12, 24, 10, 0, tzinfo=LONDON), tick=False):
        client.force_login(manager)  # sessions time out: sign in on the day
        response = client.post(new_account_url(service), new_worker())
        page = client.get(response["Location"])

    made = AccountRequest.objects.get()
    assert re.fullmatch(r"REQ-2026-\d{6}", made.reference)
    assert made.due_on == date(2027, 1, 5)
    assert made.reference in page.text
    assert "05-Jan-2027" in page.text
    [receipt] = outbox("received")
    assert receipt.to == [manager.email]
    assert made.reference in receipt.body and "05-Jan-2027" in receipt.body
    assert "Nina" not in receipt.body
    assert AuditEvent.objects.filter(action="account_request_submitted").exists()


def test_administrators_are_told_of_a_new_request(manager_client, service, admin_user):
    manager_client.post(new_account_url(service), new_worker())

    [email] = outbox("New Thrive account request")
    assert email.to == [admin_user.email]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, "Enter the person’s full name"),
        ({"email": "nina"}, "Enter an email address in the correct format"),
        ({"role": Role.CLINICIAN}, "Select a valid choice"),
        ({"dbs_check_date_year": ""}, "DBS check date must include a year"),
        ({"dbs_check_date_year": "2019"}, "DBS check date must be the same as or after"),
        ({"dbs_check_date_year": "2099"}, "DBS check date must be today or in the past"),
    ],
)
def test_new_account_requests_are_checked(manager_client, service, change, message):
    response = manager_client.post(new_account_url(service), new_worker(**change))

    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert not AccountRequest.objects.exists()


def test_the_start_page_leads_to_the_right_form(manager_client, service):
    response = manager_client.post(START, {"kind": "suspension", "scope": f"service-{service.pk}"})

    assert response["Location"] == new_account_url(service, "suspension")


def test_a_manager_can_only_choose_people_in_their_own_service(manager_client, service):
    mine = person(Role.SERVICE_WORKER, service=service, full_name="Mia Mine")
    theirs = person(Role.SERVICE_WORKER, full_name="Theo Theirs")

    page = manager_client.get(new_account_url(service, "suspension")).text
    assert "Mia Mine" in page and "Theo Theirs" not in page
    response = manager_client.post(
        new_account_url(service, "suspension"), {"person": theirs.pk, "details": "Left"}
    )
    assert "Select a valid choice" in response.text
    manager_client.post(new_account_url(service, "suspension"), {"person": mine.pk, "details": "x"})
    assert AccountRequest.objects.get().person == mine


def test_managers_see_only_their_own_teams_requests(manager_client, manager, service):
    mine = account_request(service=service, requested_by=manager)
    other = account_request(service=ServiceFactory(), full_name="Olive Other")

    page = manager_client.get(reverse("selfservice:requests")).text

    assert mine.reference in page
    assert other.reference not in page


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=LONDON), tick=False)
def test_managers_see_which_of_their_requests_are_overdue(manager_client, manager, service):
    late = account_request(service=service, requested_by=manager, due_on=date(2026, 11, 19))
    on_time = account_request(
        service=service, requested_by=manager, full_name="Omar Ontime", due_on=date(2026, 11, 20)
    )
    decided = account_request(
        service=service,
        requested_by=manager,
        full_name="Dee Decided",
        due_on=date(2026, 11, 2),
        status=AccountRequest.Status.APPROVED,
    )

    page = manager_client.get(reverse("selfservice:requests")).text

    def row(made):
        start = page.index(made.reference)
        return page[start : page.index("</tr>", start)]

    assert "Overdue" in row(late)
    assert "Overdue" not in row(on_time)
    assert "Overdue" not in row(decided)
    assert '<span data-testid="overdue-count">1</span> request is overdue' in page


def test_a_work_tray_admin_requests_for_their_work_group(client, work_group):
    tray_admin = person(Role.TRAY_ADMIN, work_group=work_group)
    client.force_login(tray_admin)

    url = reverse("selfservice:request_new_work_group", args=[work_group.pk, "new-account"])
    client.post(url, new_worker(role=Role.CLINICIAN))

    made = AccountRequest.objects.get()
    assert made.work_group == work_group and made.role == Role.CLINICIAN


@pytest.mark.parametrize("role", [Role.SERVICE_WORKER, Role.EHPS_OFFICER, Role.CLINICIAN])
def test_other_roles_cannot_make_requests(client, service, role):
    client.force_login(person(role, service=service if role == Role.SERVICE_WORKER else None))

    assert client.get(START).status_code == 404
    assert client.get(new_account_url(service)).status_code == 404


@pytest.mark.parametrize("kind", ["new-account", "change", "password-reset"])
def test_optional_fields_say_optional_once(manager_client, service, kind):
    page = manager_client.get(new_account_url(service, kind)).text

    assert "(optional)" in page
    assert "(optional) (optional)" not in page


def test_an_unknown_kind_of_request_is_not_found(manager_client, service):
    assert manager_client.get(new_account_url(service, "promotion")).status_code == 404


# --- Decisions --------------------------------------------------------------------------------


def decide(admin_client, made, **data):
    return admin_client.post(reverse("selfservice:request_decide", args=[made.pk]), data)


def test_approving_a_new_account_creates_it_and_emails_an_invitation(
    admin_client, manager, service
):
    made = account_request(service=service, requested_by=manager)
    page = admin_client.get(reverse("selfservice:request_decide", args=[made.pk]))
    assert 'value="pateln01"' in page.text  # the usual Thrive username is suggested

    response = decide(admin_client, made, decision="approve", username="patel01")

    assert response.status_code == 302
    user = User.objects.get(username="patel01")
    assert user.full_name == "Nina Patel" and user.organisation == service.provider
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.SERVICE_WORKER, service=service).exists()
    made.refresh_from_db()
    assert made.status == AccountRequest.Status.APPROVED and made.person == user
    [invitation] = outbox("Your Thrive account is ready")
    assert invitation.to == ["nina@example.org"]
    assert "/selfservice/invitation/" in invitation.body
    assert "patel01" not in invitation.body  # the page shows the username, not the email
    assert outbox("approved")[0].to == [manager.email]


def test_rejecting_needs_a_reason_the_requester_sees(admin_client, manager, service):
    made = account_request(service=service, requested_by=manager)

    assert "Enter the reason for rejecting" in decide(admin_client, made, decision="reject").text
    decide(admin_client, made, decision="reject", reason="Use the work email address")

    made.refresh_from_db()
    assert made.status == AccountRequest.Status.REJECTED
    assert outbox("rejected")
    manager_view = Client()
    manager_view.force_login(manager)
    page = manager_view.get(reverse("selfservice:request_detail", args=[made.pk])).text
    assert "Use the work email address" in page


def test_a_request_is_decided_once(admin_client, manager, service):
    made = account_request(service=service, requested_by=manager)
    decide(admin_client, made, decision="reject", reason="No")

    response = decide(admin_client, made, decision="approve", username="patel01")

    assert response["Location"] == reverse("selfservice:request_detail", args=[made.pk])
    assert not User.objects.filter(username="patel01").exists()
    with pytest.raises(account_requests.AlreadyDecided):
        account_requests.approve_request(made, by=manager, request=None, username="x")


def test_the_username_must_be_free(admin_client, manager, service):
    made = account_request(service=service, requested_by=manager)

    response = decide(admin_client, made, decision="approve", username=manager.username)

    assert "That username is already in use" in response.text


def test_suspension_ends_the_persons_sessions_at_once(admin_client, manager, service):
    leaver = person(Role.SERVICE_WORKER, service=service)
    their_browser = Client()
    their_browser.force_login(leaver)
    made = account_request(
        service=service, requested_by=manager, kind=AccountRequest.Kind.SUSPENSION, person=leaver
    )

    decide(admin_client, made, decision="approve")

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert their_browser.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action="account_suspended", object_id=str(leaver.pk)).exists()


def test_deletion_anonymises_and_keeps_the_audit(admin_client, manager, service):
    leaver = with_questions(person(Role.SERVICE_WORKER, service=service, username="leave01"))
    their_browser = Client()
    their_browser.force_login(leaver)
    their_browser.get(reverse("home"))
    audited = AuditEvent.objects.filter(username="leave01").count()
    made = account_request(
        service=service, requested_by=manager, kind=AccountRequest.Kind.DELETION, person=leaver
    )

    decide(admin_client, made, decision="approve")

    leaver.refresh_from_db()
    assert leaver.username == f"deleted-{leaver.pk}"
    assert (leaver.full_name, leaver.email, leaver.is_active) == ("Deleted user", "", False)
    assert not leaver.memberships.exists() and not leaver.security_questions.exists()
    assert not leaver.has_usable_password()
    assert AuditEvent.objects.filter(username="leave01").count() >= audited > 0
    assert their_browser.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_a_change_updates_name_job_title_and_role(admin_client, manager, service):
    worker = person(Role.SERVICE_WORKER, service=service, full_name="Amy Old")
    made = account_request(
        service=service,
        requested_by=manager,
        kind=AccountRequest.Kind.CHANGE,
        person=worker,
        full_name="Amy New",
        job_title="Senior family support worker",
        role=Role.SERVICE_MANAGER,
    )

    decide(admin_client, made, decision="approve")

    worker.refresh_from_db()
    assert worker.full_name == "Amy New"
    assert worker.job_title == "Senior family support worker"
    assert list(worker.memberships.values_list("role", flat=True)) == [Role.SERVICE_MANAGER]


def test_a_move_to_another_organisation_is_chosen_by_the_administrator(
    admin_client, manager, service
):
    worker = person(Role.SERVICE_WORKER, service=service)
    elsewhere = ServiceFactory(name="Young Lives Canterbury")
    made = account_request(
        service=service,
        requested_by=manager,
        kind=AccountRequest.Kind.CHANGE,
        person=worker,
        full_name="",
        role="",
        new_organisation="Young Lives",
    )

    assert "Choose where to move them" in decide(admin_client, made, decision="approve").text
    decide(admin_client, made, decision="approve", move_to=elsewhere.pk)

    worker.refresh_from_db()
    assert worker.organisation == elsewhere.provider
    assert list(worker.memberships.values_list("service", flat=True)) == [elsewhere.pk]


def test_a_password_reset_unlocks_and_emails_a_link(admin_client, manager, service):
    worker = person(Role.SERVICE_WORKER, service=service)
    SelfServiceLock.objects.create(user=worker, needs_administrator=True)
    made = account_request(
        service=service,
        requested_by=manager,
        kind=AccountRequest.Kind.PASSWORD_RESET,
        person=worker,
    )

    decide(admin_client, made, decision="approve")

    assert not SelfServiceLock.objects.get(user=worker).is_locked()
    assert Invitation.objects.get(user=worker).purpose == Invitation.Purpose.PASSWORD_RESET
    [email] = outbox("Set your Thrive password")
    assert email.to == [worker.email]


# --- The administrators' queue ------------------------------------------------------------


def test_the_queue_shows_what_is_overdue(verified_client, admin_user, manager, service):
    with time_machine.travel(datetime(2026, 12, 18, 10, 0, tzinfo=LONDON), tick=False):
        late = account_request(service=service, requested_by=manager)  # due 29-Dec-2026
        recent = account_request(service=service, requested_by=manager, full_name="Ravi")

    with time_machine.travel(datetime(2026, 12, 30, 10, 0, tzinfo=LONDON), tick=False):
        recent.submitted_at = datetime(2026, 12, 30, 9, 0, tzinfo=LONDON)
        recent.due_on = working_days_after(date(2026, 12, 30), 5)
        recent.save()
        page = verified_client(admin_user).get(reverse("selfservice:queue")).text

    assert late.due_on == date(2026, 12, 29)
    assert '<span data-testid="overdue-count">1</span>' in page
    assert page.index(late.reference) < page.index(recent.reference)  # overdue first
    assert page.count("Overdue</strong>") == 1


def test_the_queue_keeps_its_query_count(
    admin_client, manager, service, django_assert_max_num_queries
):
    for number in range(15):
        account_request(service=service, requested_by=manager, full_name=f"Person {number}")

    with django_assert_max_num_queries(14):
        admin_client.get(reverse("selfservice:queue"))


def test_only_administrators_decide(manager_client, manager, service):
    made = account_request(service=service, requested_by=manager)

    assert (
        manager_client.get(reverse("selfservice:request_decide", args=[made.pk])).status_code == 404
    )
    assert (
        manager_client.get(reverse("selfservice:request_detail", args=[made.pk])).status_code == 200
    )


def test_deleting_the_requester_keeps_the_request(admin_client, manager, service):
    made = account_request(service=service, requested_by=manager)
    made.requested_by = None
    made.save()

    assert (
        admin_client.get(reverse("selfservice:request_detail", args=[made.pk])).status_code == 200
    )


def test_rejecting_a_new_account_needs_no_username(admin_client, manager, service):
    made = account_request(service=service, requested_by=manager)

    response = decide(admin_client, made, decision="reject", reason="Duplicate", username="")

    assert response.status_code == 302
    assert (
        "Enter a username"
        in decide(
            admin_client, account_request(service=service), decision="approve", username=""
        ).text
    )
