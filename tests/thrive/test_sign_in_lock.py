"""The per-account sign-in lock (thrive/lockout.py): 5 wrong passwords or codes within 15
minutes lock the account for 15 minutes, whatever the client address or Host header, and the
lock is kept in the database, not the cache. The per-address limits let an office behind one
address sign in at nine in the morning."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from thrive import lockout
from thrive.models import FailedSignIn, Role

from ..factories import PASSWORD, UserFactory, person

pytestmark = pytest.mark.usefixtures("nine_am")

LOGIN = "/accounts/login/"
LOCKED = "Too many failed attempts to sign in"


@pytest.fixture
def bloggs(db, service):
    return person(Role.SERVICE_WORKER, service=service, username="bloggj01")


def sign_in(client, login="bloggj01", password=PASSWORD, port=None, address="10.0.0.1"):
    host = f"testserver:{port}" if port else "testserver"
    return client.post(
        LOGIN, {"login": login, "password": password}, HTTP_HOST=host, REMOTE_ADDR=address
    )


def test_wrong_passwords_with_a_different_host_port_each_still_lock_the_account_after_5(
    client, bloggs
):
    for guess in range(5):
        assert LOCKED not in sign_in(client, password=f"guess-{guess}", port=8000 + guess).text

    response = sign_in(client, port=9999)

    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock_the_account(client, bloggs):
    for guess in range(4):
        sign_in(client, password=f"guess-{guess}")

    assert sign_in(client).status_code == 302


def test_a_locked_account_stays_locked_when_the_cache_is_cleared(client, bloggs, nine_am):
    for guess in range(5):
        sign_in(client, password=f"guess-{guess}", address=f"10.0.1.{guess}")

    cache.clear()  # a Redis restart or flush

    assert LOCKED in sign_in(client, address="10.0.2.1").text
    nine_am.shift(timedelta(minutes=14))
    assert LOCKED in sign_in(client, address="10.0.2.2").text
    nine_am.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(client, address="10.0.2.3").status_code == 302


def test_the_lock_does_not_need_the_cache_to_answer(client, bloggs, monkeypatch):
    for guess in range(5):
        sign_in(client, password=f"guess-{guess}")
    # The per-account lock reads only the database; a cache that forgets everything it is
    # told (like one that has just restarted, every time) does not unlock the account.
    monkeypatch.setattr(cache, "get", lambda key, default=None, version=None: default)

    assert LOCKED in sign_in(client, address="10.0.3.1").text


def test_guesses_refused_while_locked_do_not_extend_the_lock(client, bloggs, nine_am):
    for guess in range(5):
        sign_in(client, password=f"guess-{guess}")
    nine_am.shift(timedelta(minutes=10))
    for guess in range(10):
        sign_in(client, password=f"late-{guess}")

    nine_am.shift(timedelta(minutes=5, seconds=1))

    assert sign_in(client).status_code == 302


def test_a_right_password_takes_back_only_its_own_try(client, bloggs):
    for guess in range(4):
        sign_in(client, password=f"guess-{guess}")
    assert sign_in(client).status_code == 302
    client.post(reverse("account_logout"))

    # The four wrong ones still count: the next wrong one locks the account.
    sign_in(client, password="guess-5")

    assert LOCKED in sign_in(client).text


def test_the_lock_is_per_account_whatever_way_the_username_is_typed(client, bloggs):
    for guess, typed in enumerate(["bloggj01", "BLOGGJ01", "KLZ\\bloggj01", "bloggj01@klz.org.uk"]):
        sign_in(client, typed, password=f"guess-{guess}")
    sign_in(client, " Bloggj01 ", password="guess-5")

    assert LOCKED in sign_in(client).text


def test_a_locked_account_does_not_lock_its_colleagues(client, bloggs, service):
    colleague = person(Role.SERVICE_WORKER, service=service)
    for guess in range(6):
        sign_in(client, password=f"guess-{guess}")

    assert sign_in(client, colleague.username).status_code == 302


def test_guesses_sent_at_the_same_moment_are_counted_before_the_password_is_checked(bloggs):
    attempts = [lockout.begin("bloggj01") for _ in range(8)]

    assert sum(attempt is not None for attempt in attempts) == 5
    assert FailedSignIn.objects.filter(key="bloggj01").count() == 5


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_wrong_authenticator_codes_count_towards_the_account_lock(client, db):
    admin = person(Role.SYSTEM_ADMIN, username="adminj01")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    assert sign_in(client, "adminj01").status_code == 302
    for guess in range(4):
        device.throttling_failure_count = 0  # django-otp's own delay is not what is tested
        device.save()
        client.post(reverse("second_factor_verify"), {"token": f"00000{guess}"})
    client.post(reverse("account_logout"))

    sign_in(client, "adminj01", password="wrong")

    assert LOCKED in sign_in(client, "adminj01").text


def test_the_right_authenticator_code_is_refused_once_the_account_is_locked(client, db):
    admin = person(Role.SYSTEM_ADMIN, username="adminj01")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, "adminj01")
    for guess in range(5):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post(reverse("second_factor_verify"), {"token": f"00000{guess}"})

    response = client.post(reverse("second_factor_verify"), {"token": code_for(device)})

    assert LOCKED in response.text
    assert client.get(reverse("home")).status_code == 302


def test_300_people_signing_in_from_one_address_within_5_minutes_all_get_in(db, nine_am):
    people = UserFactory.create_batch(300)
    answers = []
    for someone in people:
        answers.append(sign_in(Client(), someone.username, address="192.0.2.50").status_code)
        nine_am.shift(timedelta(seconds=1))

    assert answers == [302] * 300


def test_purging_removes_only_tries_that_no_longer_count(bloggs, nine_am):
    lockout.begin("bloggj01")
    nine_am.shift(timedelta(minutes=16))
    lockout.begin("bloggj01")

    assert lockout.purge() == 1
    assert FailedSignIn.objects.count() == 1
