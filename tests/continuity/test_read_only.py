from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from continuity import readonly
from continuity.models import Downtime
from thrive.models import AuditEvent, Organisation, Role, WorkGroup

from ..factories import OrganisationFactory, make_case, person

NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 9, 0))


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


@pytest.fixture
def read_only(admin_user):
    return readonly.start_read_only(
        by=admin_user,
        reason="Thrive is being upgraded.",
        expected_back=timezone.now() + timedelta(hours=2),
        portal_contacts="SEND team: 01865 000000",
    )


@pytest.fixture
def clinician(db):
    health = OrganisationFactory(name="Oxford Health", kind=Organisation.Kind.HEALTH_PARTNER)
    group = WorkGroup.objects.create(organisation=health, name="Speech and language therapy")
    return person(Role.CLINICIAN, work_group=group)


# --- Starting and ending --------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_administrator_turns_read_only_mode_on_with_a_message_for_everyone(
    admin_client, admin_user
):
    response = admin_client.post(
        reverse("continuity:read_only"),
        {
            "action": "start",
            "reason": "Thrive is being upgraded.",
            "expected_back_date_day": "24",
            "expected_back_date_month": "11",
            "expected_back_date_year": "2026",
            "expected_back_time": "17:30",
            "close_portal": "on",
            "portal_contacts": "SEND team: 01865 000000",
        },
    )

    assert response.status_code == 302
    downtime = readonly.downtime_in_force()
    assert downtime.reason == "Thrive is being upgraded."
    assert timezone.localtime(downtime.expected_back).strftime("%d/%m/%Y %H:%M") == (
        "24/11/2026 17:30"
    )
    assert downtime.started_by == admin_user
    assert AuditEvent.objects.filter(action="read_only_started").exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": ""}, "reason", "This field is required"),
        ({"expected_back_time": "25:00"}, "expected_back_time", "Enter a time on the 24-hour"),
        ({"expected_back_time": "17:30"}, "expected_back_date", "Enter the date Thrive is"),
        (
            {"expected_back_date_day": "23", "expected_back_time": "08:00"},
            "expected_back_time",
            "must be in the future",
        ),
        ({"portal_contacts": " "}, "portal_contacts", "Enter the contact numbers"),
    ],
)
def test_starting_read_only_mode_needs_a_message_and_sensible_times(
    admin_client, fields, field, message
):
    data = {"action": "start", "reason": "Upgrade", "close_portal": "on", "portal_contacts": "1"}
    if "expected_back_date_day" in fields:
        data.update(expected_back_date_month="11", expected_back_date_year="2026")
    data.update(fields)

    response = admin_client.post(reverse("continuity:read_only"), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Downtime.objects.exists()


def test_only_one_downtime_is_ever_in_force(read_only, admin_user):
    with pytest.raises(readonly.AlreadyInForce):
        readonly.start_read_only(by=admin_user, reason="Again")
    with pytest.raises(IntegrityError):
        Downtime.objects.create(started_by=admin_user, reason="Behind the service's back")


def test_ending_read_only_mode_lets_changes_through_again(admin_client, read_only, admin_user):
    response = admin_client.post(reverse("continuity:read_only"), {"action": "end"})

    assert response.status_code == 302
    assert readonly.downtime_in_force() is None
    read_only.refresh_from_db()
    assert read_only.ended_by == admin_user and read_only.ended_at is not None
    assert AuditEvent.objects.filter(action="read_only_ended").exists()
    with pytest.raises(readonly.NotInForce):
        readonly.end_read_only(by=admin_user)


def test_the_page_lists_earlier_downtimes(admin_client, read_only, admin_user):
    readonly.end_read_only(by=admin_user)

    page = admin_client.get(reverse("continuity:read_only")).text

    assert "Turn on read-only mode" in page
    assert "Thrive is being upgraded." in page


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_only_administrators_switch_read_only_mode(client, role, db):
    client.force_login(person(role))

    assert client.get(reverse("continuity:read_only")).status_code == 404
    assert client.post(reverse("continuity:read_only"), {"action": "end"}).status_code == 404


# --- While it is in force -------------------------------------------------------------------


def test_every_page_says_thrive_is_read_only(client, worker, read_only):
    client.force_login(worker)

    page = client.get(reverse("home")).text

    assert "Thrive is read-only" in page
    assert "Thrive is being upgraded." in page
    assert reverse("continuity:tracker") in page


def test_changes_are_refused_with_a_clear_message_and_nothing_is_saved(
    client, manager, service, read_only
):
    case = make_case(service)
    client.force_login(manager)

    response = client.post(
        reverse("cases:decide", args=[case.thrive_id]),
        {"response_date_day": "1", "progressing": "pending", "version": case.version},
    )

    assert response.status_code == 503
    assert "Your change has not been saved" in response.text
    assert "Thrive is being upgraded." in response.text
    assert int(response["Retry-After"]) > 60
    assert Case.objects.get(pk=case.pk).version == case.version


def test_reading_still_works(client, manager, service, read_only):
    case = make_case(service)
    client.force_login(manager)

    assert client.get(reverse("cases:detail", args=[case.thrive_id])).status_code == 200


def test_people_can_still_sign_in_and_out(client, worker, read_only):
    from ..factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": worker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("account_logout"))

    assert client.get(reverse("home")).status_code == 302


def test_a_new_downtime_reaches_the_next_request_at_once(client, worker, admin_user):
    client.force_login(worker)
    assert "Thrive is read-only" not in client.get(reverse("home")).text

    readonly.start_read_only(by=admin_user, reason="Restore", close_portal=False)

    assert "Thrive is read-only" in client.get(reverse("home")).text


def test_the_lookup_is_cached(django_assert_num_queries, read_only):
    readonly.downtime_in_force()

    with django_assert_num_queries(0):
        assert readonly.downtime_in_force() == read_only


# --- The portal holding page ----------------------------------------------------------------


def test_health_partners_see_the_portal_holding_page_with_the_numbers_to_ring(
    client, clinician, read_only
):
    client.force_login(clinician)

    response = client.get(reverse("portal:landing"))

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text
    assert "SEND team: 01865 000000" in response.text
    assert "Children and Families Online Services" in response.text


def test_the_portal_sign_in_page_is_the_holding_page_too(client, read_only):
    response = client.get(reverse("portal:sign_in"))

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text


def test_staff_keep_the_portal_pages_they_use_read_only(client, read_only, db):
    client.force_login(person(Role.SEND_OFFICER))

    response = client.get(reverse("portal:send_tasks"))

    assert response.status_code == 200
    assert "Thrive is read-only" in response.text


def test_the_portal_can_stay_open_read_only(client, clinician, admin_user):
    readonly.start_read_only(by=admin_user, reason="Restore", close_portal=False)
    client.force_login(clinician)

    response = client.get(reverse("portal:landing"))

    assert response.status_code == 200
    assert "Thrive is read-only" in response.text
    assert reverse("continuity:tracker") not in response.text


def test_the_holding_page_says_when_the_portal_is_open_again(client, db):
    response = client.get(reverse("continuity:portal_holding"))

    assert response.status_code == 200
    assert "The service is available" in response.text
