"""The portal's sign-in shares the per-account lock (thrive/lockout.py): wrong passwords from
any Host port or address, wrong emailed codes and wrong authenticator-app codes all count,
the lock survives a cache flush, and the session gets a new key once the code is right."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from thrive.models import OutboxEmail, Role

from ..factories import PASSWORD, person
from .test_sign_in import enter, last_code

pytestmark = [pytest.mark.emailed_code_pending, pytest.mark.usefixtures("nine_am")]

LOCKED = "Too many failed attempts to sign in"


@pytest.fixture
def clinician(group):
    return person(Role.CLINICIAN, work_group=group, email="jo.clinic@nhs.example")


def sign_in(client, password=PASSWORD, port=None, email="jo.clinic@nhs.example"):
    return client.post(
        reverse("portal:sign_in"),
        {"email": email, "password": password},
        HTTP_HOST=f"testserver:{port}" if port else "testserver",
    )


def test_wrong_passwords_with_a_different_host_port_each_still_lock_the_account_after_5(
    client, clinician
):
    for guess in range(5):
        assert LOCKED not in sign_in(client, password=f"guess-{guess}", port=8000 + guess).text

    response = sign_in(client, port=9999)

    assert LOCKED in response.text
    assert not OutboxEmail.objects.filter(secret=True).exists()


def test_a_locked_account_stays_locked_when_the_cache_is_cleared(client, clinician, nine_am):
    for guess in range(5):
        sign_in(client, password=f"guess-{guess}")

    cache.clear()

    assert LOCKED in sign_in(client).text
    nine_am.shift(timedelta(minutes=15, seconds=1))
    assert sign_in(client).status_code == 302


def test_the_portal_and_staff_sign_in_pages_share_one_count(client, clinician):
    for guess in range(3):
        sign_in(client, password=f"guess-{guess}")
    for guess in range(2):
        client.post(
            reverse("account_login"), {"login": clinician.username, "password": f"staff-{guess}"}
        )

    assert LOCKED in sign_in(client).text


def test_wrong_emailed_codes_count_towards_the_account_lock(client, clinician):
    sign_in(client)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(3):
        enter(client, wrong)
    client.post(reverse("account_logout"))

    sign_in(client, password="wrong")
    sign_in(client, password="wrong again")

    assert LOCKED in sign_in(client).text


def test_wrong_authenticator_codes_count_towards_the_account_lock(client, clinician):
    device = TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)
    sign_in(client)
    for guess in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        enter(client, f"00000{guess}")

    response = enter(client, f"{totp(device.bin_key):06d}")

    assert LOCKED in response.text
    assert client.get(reverse("portal:landing")).status_code == 302


def test_a_right_emailed_code_gives_the_session_a_new_key(client, clinician):
    sign_in(client)
    before = client.session.session_key

    enter(client, last_code())

    assert client.session.session_key != before
    assert client.get(reverse("portal:landing")).status_code == 200


def test_a_right_authenticator_code_gives_the_session_a_new_key(client, clinician):
    device = TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)
    sign_in(client)
    before = client.session.session_key

    enter(client, f"{totp(device.bin_key):06d}")

    assert client.session.session_key != before
    assert client.get(reverse("portal:landing")).status_code == 200


def test_confirming_a_registration_by_code_gives_the_session_a_new_key(client, db):
    from .test_registration import DETAILS, STRONG
    from .test_registration import last_code as registration_code

    client.post(reverse("portal:register"), DETAILS | {"professional": ""})
    client.post(
        reverse("portal:register_credentials"),
        {"email": "new@nhs.example", "password": STRONG, "confirm_password": STRONG},
    )
    before = client.session.session_key

    client.post(reverse("portal:register_code"), {"code": registration_code()})

    assert client.session.session_key != before
