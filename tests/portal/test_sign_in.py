"""Health partner people sign in with their email address and password, then a 6-digit code
emailed to them (portal/people/codes.py): valid 10 minutes, single use, kept hashed, 5 tries."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.models import EmailCodeDevice
from portal.people import codes
from thrive import outbox
from thrive.models import AuditEvent, OutboxEmail, Role

from ..factories import PASSWORD, person

pytestmark = pytest.mark.emailed_code_pending

CODE = re.compile(r"\b(\d{6})\b")


def codes_sent() -> list[OutboxEmail]:
    """Emails with a code in them, oldest first (the outbox sends them after the commit)."""
    return list(OutboxEmail.objects.filter(secret=True).order_by("pk"))


def last_code() -> str:
    return CODE.search(codes_sent()[-1].body).group(1)


@pytest.fixture
def clinician(group):
    return person(Role.CLINICIAN, work_group=group, email="Jo.Clinic@nhs.example")


def sign_in(client, email="jo.clinic@nhs.example", password=PASSWORD):
    return client.post(reverse("portal:sign_in"), {"email": email, "password": password})


def enter(client, code):
    return client.post(reverse("portal:sign_in_code"), {"code": code})


def test_email_and_password_then_the_emailed_code_signs_in(client, clinician):
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in_code"))
    assert codes_sent()[-1].to == ["Jo.Clinic@nhs.example"]
    assert "sign-in code" in codes_sent()[-1].subject
    # Not signed in fully yet: the tasks page sends them back to the code.
    assert client.get(reverse("portal:landing"))["Location"].startswith(
        reverse("portal:sign_in_code")
    )

    response = enter(client, last_code())

    assert response.status_code == 302
    assert client.get(reverse("portal:landing")).status_code == 200
    assert AuditEvent.objects.filter(user=clinician, action="second_factor_verified").exists()


def test_the_email_address_is_matched_whatever_its_case(client, clinician):
    assert sign_in(client, email="  JO.CLINIC@NHS.EXAMPLE ").status_code == 302


def test_a_wrong_password_says_nothing_about_which_part_was_wrong(client, clinician):
    wrong_password = sign_in(client, password="not-it")
    unknown_email = sign_in(client, email="nobody@nhs.example")

    message = "Enter the email address and password of your account"
    assert message in wrong_password.text
    assert message in unknown_email.text
    assert not codes_sent()


def test_staff_cannot_use_the_portal_sign_in(client, send_officer):
    send_officer.email = "sam@kent.example"
    send_officer.save()

    response = sign_in(client, email="sam@kent.example")

    assert "Enter the email address and password of your account" in response.text


def test_failed_sign_ins_are_limited_per_account(client, clinician):
    for _ in range(5):
        sign_in(client, password="wrong")

    response = sign_in(client)

    assert "Too many failed attempts" in response.text
    assert not codes_sent()


def test_only_a_hash_of_the_code_is_kept_and_the_email_body_is_blanked_once_sent(client, clinician):
    sign_in(client)
    code = last_code()

    device = EmailCodeDevice.objects.get(user=clinician)
    assert code not in device.digest and len(device.digest) == 64
    outbox.send_pending()
    assert code in mail.outbox[-1].body
    email = OutboxEmail.objects.get(subject__contains="sign-in code")
    assert email.status == OutboxEmail.Status.SENT
    assert code not in email.body


def test_a_code_works_once(client, clinician):
    sign_in(client)
    code = last_code()
    device = EmailCodeDevice.objects.get(user=clinician)

    assert codes.check_code(device, code)
    assert not codes.check_code(device, code)
    assert "That code has been used" in enter(client, code).text


def test_a_code_expires_after_10_minutes(client, clinician):
    sign_in(client)
    code = last_code()

    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        response = enter(client, code)

    assert "That code has expired" in response.text


def test_five_wrong_codes_use_it_up_even_the_right_one_after(client, clinician):
    sign_in(client)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    messages = [enter(client, wrong).text for _ in range(5)]
    after = enter(client, code)

    assert "(4 tries left)" in messages[0]
    assert "(1 tries left)" in messages[3]
    assert "Too many wrong codes" in after.text
    assert client.get(reverse("portal:landing")).status_code == 302


def test_please_send_me_a_new_code_replaces_the_old_one(client, clinician):
    sign_in(client)
    first = last_code()
    EmailCodeDevice.objects.filter(user=clinician).update(
        sent_at=timezone.now() - timedelta(minutes=1)
    )

    client.post(reverse("portal:sign_in_code"), {"action": "resend"})
    second = last_code()

    assert len(codes_sent()) == 2
    if first != second:
        assert "not right" in enter(client, first).text
    assert enter(client, second).status_code == 302


def test_new_codes_cannot_be_asked_for_in_a_rush(client, clinician):
    sign_in(client)

    client.post(reverse("portal:sign_in_code"), {"action": "resend"})

    assert len(codes_sent()) == 1


def test_someone_who_added_an_authenticator_app_enters_its_code_instead(client, clinician):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)

    sign_in(client)
    page = client.get(reverse("portal:sign_in_code"))
    response = enter(client, f"{totp(device.bin_key):06d}")

    assert not codes_sent()
    assert "authenticator app" in page.text
    assert response.status_code == 302
    assert client.get(reverse("portal:landing")).status_code == 200


def test_a_health_partner_person_signing_in_at_the_staff_page_still_needs_the_code(
    client, clinician
):
    client.post(reverse("account_login"), {"login": clinician.username, "password": PASSWORD})

    response = client.get(reverse("portal:landing"))
    assert response["Location"].startswith(reverse("portal:sign_in_code"))
    page = client.get(response["Location"])
    assert "Email me a code" in page.text

    client.post(reverse("portal:sign_in_code"), {"action": "resend"})
    enter(client, last_code())

    assert client.get(reverse("portal:landing")).status_code == 200


def test_the_code_state_is_worked_out_from_the_device(db, clinician):
    device = codes.device_for(clinician)

    assert codes.code_state(device) == codes.CodeState.NONE
    codes.send_code(device)
    device.refresh_from_db()
    assert codes.code_state(device) == codes.CodeState.LIVE
    assert codes.check_code(device, last_code())
    assert codes.code_state(device) == codes.CodeState.NONE


def test_logout_from_the_portal_returns_to_its_sign_in(client, clinician):
    sign_in(client)
    enter(client, last_code())

    response = client.post(reverse("account_logout"), {"next": reverse("portal:sign_in")})

    assert response["Location"] == reverse("portal:sign_in")


def test_once_a_code_is_used_the_next_sign_in_gets_a_new_one_at_once(db, clinician):
    device = codes.device_for(clinician)
    codes.send_code(device)
    assert codes.check_code(device, last_code())

    assert codes.send_code(device)


def test_after_five_wrong_tries_a_new_code_still_waits_its_turn(db, clinician):
    device = codes.device_for(clinician)
    codes.send_code(device)
    for _ in range(5):
        codes.check_code(device, "000000" if last_code() != "000000" else "111111")

    assert not codes.send_code(device)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert codes.send_code(device)
