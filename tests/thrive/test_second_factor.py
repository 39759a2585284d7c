import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from thrive.models import AuditEvent, Role

from ..factories import PASSWORD, person


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def admin(db):
    return person(Role.SYSTEM_ADMIN)


def test_administrators_must_set_up_an_authenticator_first(client, admin):
    client.force_login(admin)

    response = client.get(reverse("home"))

    assert response["Location"] == f"{reverse('second_factor_setup')}?next=/"


def test_setting_up_shows_a_qr_code_and_confirms_with_a_code(client, admin):
    client.force_login(admin)
    page = client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    assert "<svg" in page.text
    response = client.post(reverse("second_factor_setup"), {"token": code_for(device), "next": "/"})

    assert response["Location"] == "/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="second_factor_added", user=admin).exists()


def test_a_wrong_code_is_refused_next_to_the_field(client, admin):
    client.force_login(admin)
    client.get(reverse("second_factor_setup"))

    response = client.post(reverse("second_factor_setup"), {"token": "000000"})

    assert "That code is not right" in response.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_later_sign_ins_ask_for_a_code(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(admin)

    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
    response = client.post(reverse("second_factor_verify"), {"token": code_for(device)})

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_repeated_wrong_codes_are_throttled(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(admin)
    for _ in range(3):
        client.post(reverse("second_factor_verify"), {"token": "000000"})

    response = client.post(reverse("second_factor_verify"), {"token": code_for(device)})

    assert response.status_code == 200
    assert "too many tries" in response.text


def test_roles_without_the_requirement_are_not_asked(client, worker):
    client.force_login(worker)

    assert client.get(reverse("home")).status_code == 200


def test_the_requirement_is_configurable_per_role(client, manager, settings):
    settings.SECOND_FACTOR_ROLES = [Role.SERVICE_MANAGER]
    client.force_login(manager)

    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_setup"))


def test_demo_administrator_is_not_asked_in_debug_only(client, admin, settings):
    admin.is_demo = True
    admin.save()
    client.force_login(admin)

    settings.DEBUG = True
    assert client.get(reverse("home")).status_code == 200
    settings.DEBUG = False
    assert client.get(reverse("home")).status_code == 302


def test_a_right_authenticator_code_gives_the_session_a_new_key(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.post(reverse("account_login"), {"login": admin.username, "password": PASSWORD})
    before = client.session.session_key

    client.post(reverse("second_factor_verify"), {"token": code_for(device)})

    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200
