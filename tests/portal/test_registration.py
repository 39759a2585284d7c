"""Register a new account: details → email and password (AUP rules) → the emailed code →
registration complete. A new professional sees no tasks until added to a work group."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import PortalProfile
from portal.people import accounts
from thrive.models import Membership, Organisation, OutboxEmail, Role, User

from ..factories import person

CODE = re.compile(r"\b(\d{6})\b")
STRONG = "Kettle-Harbour-92"

DETAILS = {
    "forename": "Nyree",
    "surname": "Ellison",
    "professional": "on",
    "role": "Paediatric OT",
    "property_name": "",
    "house_number": "12",
    "street": "Orchard Way",
    "area": "",
    "town": "Maidstone",
    "county": "Kent",
    "postcode": "me141xq",
}


@pytest.fixture
def trust(db):
    return Organisation.objects.create(
        name="Kent Community Health NHS Trust", kind=Organisation.Kind.HEALTH_PARTNER
    )


def last_code() -> str:
    email = OutboxEmail.objects.filter(secret=True).latest("pk")
    return CODE.search(email.body).group(1)


def register(client, trust, email="nyree@nhs.example", password=STRONG, **details):
    client.post(reverse("portal:register"), DETAILS | {"organisation": trust.pk} | details)
    return client.post(
        reverse("portal:register_credentials"),
        {"email": email, "password": password, "confirm_password": password},
    )


def test_registering_confirms_the_address_and_signs_in(client, trust):
    response = register(client, trust)
    assert response["Location"] == reverse("portal:register_code")
    user = User.objects.get(email="nyree@nhs.example")
    assert not user.is_active

    response = client.post(reverse("portal:register_code"), {"code": last_code()})

    assert response["Location"] == reverse("portal:register_complete")
    user.refresh_from_db()
    assert user.is_active
    assert user.full_name == "Nyree Ellison"
    assert user.job_title == "Paediatric OT"
    assert user.organisation == trust
    assert user.username == "ellisn01"
    profile = user.portal_profile
    assert profile.postcode == "ME14 1XQ"
    assert profile.email_confirmed_at is not None
    assert profile.address_lines == ["12 Orchard Way", "Maidstone", "Kent", "ME14 1XQ"]
    page = client.get(reverse("portal:register_complete"))
    assert "Registration completed" in page.text


def test_a_new_professional_sees_no_tasks_until_added_to_a_work_group(client, trust):
    register(client, trust)
    client.post(reverse("portal:register_code"), {"code": last_code()})
    client.post(
        reverse("aup"),
        {"name_given": "Nyree Ellison", "agree": "on"},
    )

    page = client.get(reverse("portal:landing"))

    assert page.status_code == 200
    assert 'data-testid="no-work-group"' in page.text
    assert "Currently Assigned Tasks (0)" in page.text
    assert "Children and Families Online Services" in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("forename", "", "Enter your forename"),
        ("street", "", "Enter your street"),
        ("town", "", "Enter your town or city"),
        ("postcode", "ZZ", "Enter a real postcode, like ME14 1XQ"),
        ("postcode", "ME14 1X", "Enter a real postcode, like ME14 1XQ"),
        ("role", "", "Enter your role"),
    ],
)
def test_step_one_checks_each_required_answer(client, trust, field, value, message):
    response = client.post(
        reverse("portal:register"), DETAILS | {"organisation": trust.pk, field: value}
    )

    assert response.status_code == 200
    assert message in response.text


def test_someone_not_in_a_professional_capacity_gives_no_role_or_organisation(client, trust):

    register(client, trust, **{"professional": ""})
    client.post(reverse("portal:register_code"), {"code": last_code()})

    user = User.objects.get(email="nyree@nhs.example")
    assert user.job_title == "" and user.organisation is None
    assert not user.portal_profile.professional


def test_the_password_follows_the_acceptable_use_policy(client, trust):
    response = register(client, trust, password="ellison-99")

    assert response.status_code == 200
    assert "your name" in response.text or "3 or more characters" in response.text
    assert not User.objects.filter(email="nyree@nhs.example").exists()


def test_an_address_with_an_account_gets_an_email_and_the_same_page(client, trust):
    existing = person(Role.CLINICIAN, email="nyree@nhs.example")

    response = register(client, trust, email="NYREE@nhs.example")

    assert response["Location"] == reverse("portal:register_code")
    assert User.objects.filter(email__iexact="nyree@nhs.example").get() == existing
    notice = OutboxEmail.objects.latest("pk")
    assert "already has an account" in notice.body
    wrong = client.post(reverse("portal:register_code"), {"code": "123456"})
    assert "That code is not right" in wrong.text


def test_an_unconfirmed_registration_gives_way_to_a_new_one_and_is_purged(client, trust):
    register(client, trust)
    register(client, trust)

    assert User.objects.filter(email="nyree@nhs.example").count() == 1
    later = timezone.now() + timedelta(hours=25)
    assert accounts.purge_unconfirmed(now=later) == 1
    assert not PortalProfile.objects.exists()


def test_a_tray_admin_adds_a_registered_person_to_their_work_group(client, trust):
    from tests.factories import WorkGroupFactory

    group = WorkGroupFactory(organisation=trust, name="Children's OT")
    tray_admin = person(Role.TRAY_ADMIN, work_group=group)
    register(client, trust)
    client.post(reverse("portal:register_code"), {"code": last_code()})
    newcomer = User.objects.get(email="nyree@nhs.example")
    client.force_login(tray_admin)

    page = client.get(reverse("portal:work_group_people", args=[group.pk]))
    assert "Nyree Ellison" in page.text and "waiting to join (1)" in page.text
    response = client.post(
        reverse("portal:work_group_people", args=[group.pk]),
        {"person": newcomer.pk, "role": Role.CLINICIAN},
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, work_group=group, role=Role.CLINICIAN).exists()
    assert OutboxEmail.objects.filter(subject="You have been added to a work group").exists()
    assert accounts.waiting_to_join(group).count() == 0


def test_people_of_another_organisation_cannot_be_added(client, trust):
    from tests.factories import WorkGroupFactory

    group = WorkGroupFactory(organisation=trust)
    tray_admin = person(Role.TRAY_ADMIN, work_group=group)
    outsider = person(Role.CLINICIAN)  # of another health partner
    client.force_login(tray_admin)

    response = client.post(
        reverse("portal:work_group_people", args=[group.pk]),
        {"person": outsider.pk, "role": Role.CLINICIAN},
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=outsider, work_group=group).exists()


def test_a_clinician_cannot_manage_the_people_of_their_group(client, group):
    clinician = person(Role.CLINICIAN, work_group=group)
    client.force_login(clinician)

    assert client.get(reverse("portal:work_group_people", args=[group.pk])).status_code == 404
    assert client.get(reverse("portal:work_groups")).status_code == 404


def test_a_tray_admin_removes_a_member_but_not_themselves(client, group):
    tray_admin = person(Role.TRAY_ADMIN, work_group=group)
    clinician = person(Role.CLINICIAN, work_group=group)
    client.force_login(tray_admin)
    own = tray_admin.memberships.get()
    theirs = clinician.memberships.get()

    client.post(reverse("portal:remove_member", args=[group.pk, own.pk]))
    client.post(reverse("portal:remove_member", args=[group.pk, theirs.pk]))

    assert Membership.objects.filter(pk=own.pk).exists()
    assert not Membership.objects.filter(pk=theirs.pk).exists()
