"""Before a referral is saved, the officer sees the cases in their districts that may be the
same child, so that a family is not referred twice."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Status
from thrive.models import District, Role

from ..factories import ServiceFactory, make_case, person


def date_fields(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def referral(service, **changes):
    return {
        "service": service.pk,
        "family_names": "Smith",
        "child_first_name": "Jon",
        "child_last_name": "Smyth",
        **date_fields("child_date_of_birth", date(2015, 3, 1)),
        "address": "2 Bank Street",
        "postcode": "ME14 1XQ",
        "notifier": "School",
        "reason_for_referral": "Behaviour at school",
        **date_fields("date_referred", date(2026, 11, 2)),
        **changes,
    }


@pytest.fixture
def archived_john(ashford, officer):
    return make_case(
        ashford,
        referred_by=officer,
        child_first_name="John",
        child_last_name="Smith",
        child_date_of_birth=date(2015, 3, 1),
        postcode="TN23 1AA",
        status=Status.CLOSED,
        archived_at=timezone.now(),
    )


def test_a_close_name_with_the_same_date_of_birth_is_shown_before_saving(
    client, officer, ashford, archived_john
):
    client.force_login(officer)

    response = client.post(reverse("cases:refer"), referral(ashford))

    assert response.status_code == 200
    assert list(response.context["known"]) == [archived_john]
    assert "This family may already be known" in response.text
    assert archived_john.thrive_id in response.text and "Archived" in response.text
    assert Case.objects.count() == 1


def test_the_officer_goes_on_once_they_have_seen_the_possible_matches(
    client, officer, ashford, archived_john
):
    client.force_login(officer)

    response = client.post(reverse("cases:refer"), referral(ashford, known_checked="1"))

    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_the_same_name_and_postcode_is_shown_whatever_the_date_of_birth(
    client, officer, ashford, archived_john
):
    client.force_login(officer)
    data = referral(
        ashford,
        child_first_name="John",
        child_last_name="Smith",
        postcode="tn23 1aa",
        **date_fields("child_date_of_birth", date(2016, 1, 1)),
    )

    assert list(client.post(reverse("cases:refer"), data).context["known"]) == [archived_john]


def test_a_different_child_is_referred_straight_away(client, officer, ashford, archived_john):
    client.force_login(officer)
    data = referral(ashford, **date_fields("child_date_of_birth", date(2016, 1, 1)))

    assert client.post(reverse("cases:refer"), data).status_code == 302


def test_cases_outside_the_officers_districts_are_never_shown(client, officer, ashford):
    canterbury = ServiceFactory(district=District.CANTERBURY)
    make_case(
        canterbury,
        referred_by=person(Role.EHPS_OFFICER, district=District.CANTERBURY),
        child_first_name="John",
        child_last_name="Smith",
        child_date_of_birth=date(2015, 3, 1),
    )
    client.force_login(officer)

    assert client.post(reverse("cases:refer"), referral(ashford)).status_code == 302
