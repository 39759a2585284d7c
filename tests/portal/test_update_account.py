"""Update account (details, email address, password, security codes), Forgotten your
password, and the portal's own look for health partner people."""

import re

import pytest
from django.urls import reverse

from portal.models import EmailCodeDevice, PortalProfile
from thrive.models import OutboxEmail, Role

from ..factories import PASSWORD, person

CODE = re.compile(r"\b(\d{6})\b")


def last_code() -> str:
    email = OutboxEmail.objects.filter(secret=True).latest("pk")
    return CODE.search(email.body).group(1)


@pytest.fixture
def clinician(group):
    return person(Role.CLINICIAN, work_group=group, full_name="Jo Clinic", email="jo@nhs.example")


DETAILS = {
    "forename": "Joanna",
    "surname": "Clinic",
    "professional": "on",
    "role": "Speech and language therapist",
    "street": "Orchard Way",
    "town": "Maidstone",
    "postcode": "ME14 1XQ",
}


def test_health_partner_pages_have_the_portals_own_look_and_account_menu(client, clinician):
    client.force_login(clinician)

    page = client.get(reverse("portal:landing")).text

    assert "<title>Delegation Portal – Children and Families Online Services</title>" in page
    assert 'data-testid="portal-name"' in page
    for link in ("Update account", "Automatic Replies", "Logout"):
        assert link in page


def test_staff_keep_thrives_look_on_the_portal_pages_they_use(client, send_officer):
    client.force_login(send_officer)

    page = client.get(reverse("portal:send_tasks")).text

    assert "Children and Families Online Services" not in page


def test_details_are_updated_and_audited(client, clinician):
    client.force_login(clinician)

    response = client.post(reverse("portal:account"), DETAILS)

    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.full_name == "Joanna Clinic"
    assert clinician.job_title == "Speech and language therapist"
    assert PortalProfile.objects.get(user=clinician).town == "Maidstone"


def test_the_organisation_is_fixed_once_in_a_work_group(client, clinician):
    from thrive.models import Organisation

    elsewhere = Organisation.objects.create(name="Elsewhere", kind="health_partner")
    client.force_login(clinician)

    client.post(reverse("portal:account"), DETAILS | {"organisation": elsewhere.pk})

    clinician.refresh_from_db()
    assert clinician.organisation != elsewhere


def test_a_new_email_address_changes_only_once_its_code_comes_back(client, clinician):
    client.force_login(clinician)

    response = client.post(reverse("portal:change_email"), {"email": "jo.new@nhs.example"})
    assert response["Location"] == reverse("portal:change_email_code")
    sent = OutboxEmail.objects.filter(secret=True).latest("pk")
    assert sent.to == ["jo.new@nhs.example"]
    clinician.refresh_from_db()
    assert clinician.email == "jo@nhs.example"

    client.post(reverse("portal:change_email_code"), {"code": last_code()})

    clinician.refresh_from_db()
    assert clinician.email == "jo.new@nhs.example"
    assert OutboxEmail.objects.filter(to=["jo@nhs.example"], subject__contains="changed").exists()


def test_an_address_another_account_uses_is_refused(client, clinician):
    person(Role.CLINICIAN, email="taken@nhs.example")
    client.force_login(clinician)

    response = client.post(reverse("portal:change_email"), {"email": "Taken@nhs.example"})

    assert "Another account uses that email address" in response.text


def test_the_password_is_changed_by_the_aup_rules(client, clinician):
    client.force_login(clinician)

    weak = client.post(
        reverse("portal:change_password"),
        {"current_password": PASSWORD, "new_password": "abc", "confirm_password": "abc"},
    )
    strong = client.post(
        reverse("portal:change_password"),
        {
            "current_password": PASSWORD,
            "new_password": "Lantern-Moss-47",
            "confirm_password": "Lantern-Moss-47",
        },
    )

    assert weak.status_code == 200 and "Error:" in weak.text
    assert strong.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("Lantern-Moss-47")


def test_a_forgotten_password_is_reset_with_an_emailed_code(client, clinician):
    client.post(reverse("portal:forgotten"), {"email": "JO@nhs.example"})
    client.post(reverse("portal:forgotten_code"), {"code": last_code()})

    response = client.post(
        reverse("portal:forgotten_password"),
        {"new_password": "Lantern-Moss-47", "confirm_password": "Lantern-Moss-47"},
    )

    assert response["Location"] == reverse("portal:sign_in")
    clinician.refresh_from_db()
    assert clinician.check_password("Lantern-Moss-47")


def test_the_forgotten_password_code_page_opens_without_an_error(client, clinician):
    client.post(reverse("portal:forgotten"), {"email": "jo@nhs.example"})

    page = client.get(reverse("portal:forgotten_code"))

    assert page.status_code == 200
    assert "govuk-error-summary" not in page.text


def test_forgotten_password_does_not_reveal_unknown_addresses(client, clinician):
    known = client.post(reverse("portal:forgotten"), {"email": "jo@nhs.example"})
    client.get(reverse("portal:forgotten_code"))
    unknown_client_response = client.post(
        reverse("portal:forgotten"), {"email": "nobody@nhs.example"}
    )

    assert known["Location"] == unknown_client_response["Location"]
    page = client.get(reverse("portal:forgotten_code"))
    assert "If <strong>nobody@nhs.example</strong> belongs to an account" in page.text
    assert (
        "That code is not right"
        in client.post(reverse("portal:forgotten_code"), {"code": "000000"}).text
    )
    # Without the code, no new password can be set.
    assert client.get(reverse("portal:forgotten_password"))["Location"] == reverse(
        "portal:forgotten"
    )


def test_removing_the_authenticator_app_goes_back_to_emailed_codes(client, clinician):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)
    client.force_login(clinician)

    client.post(reverse("portal:remove_authenticator"))

    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert EmailCodeDevice.objects.filter(user=clinician).exists()
