import pytest
from django.urls import reverse

from thrive.models import AuditEvent, Role

from ..factories import PASSWORD, person

LOGIN = "/accounts/login/"


@pytest.fixture
def bloggs(db, service):
    return person(Role.SERVICE_WORKER, service=service, username="bloggj01")


def sign_in(client, login, password=PASSWORD, address="10.0.0.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    "typed",
    ["bloggj01", "BloggJ01", "KLZ\\bloggj01", "klz\\bloggj01", "bloggj01@klz.org.uk", " bloggj01 "],
)
def test_username_is_accepted_with_the_old_prefix_or_suffix(client, bloggs, typed):
    response = sign_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_clear_error_next_to_the_form(client, bloggs):
    response = sign_in(client, "bloggj01", "wrong-password")

    assert response.status_code == 200
    assert "The username or password is not right" in response.text
    assert "govuk-error-summary" in response.text


def test_empty_form_names_each_missing_field(client, db):
    response = client.post(LOGIN, {"login": "", "password": ""})

    assert "Enter your username" in response.text
    assert "Enter your password" in response.text


def test_failed_sign_ins_are_limited_per_account_even_from_changing_addresses(client, bloggs):
    for attempt in range(5):
        sign_in(client, "bloggj01", "wrong", address=f"10.0.0.{attempt}")

    response = sign_in(client, "KLZ\\BLOGGJ01", PASSWORD, address="10.9.9.9")

    assert response.status_code == 200
    assert "Too many failed attempts to sign in" in response.text


def test_failed_sign_ins_are_limited_per_address(client, db, service):
    people = [person(Role.SERVICE_WORKER, service=service) for _ in range(2)]
    for attempt in range(100):
        sign_in(client, f"nobody{attempt}", "wrong", address="10.0.0.7")

    response = sign_in(client, people[0].username, PASSWORD, address="10.0.0.7")

    assert "Too many failed attempts to sign in" in response.text


def test_sign_in_and_failed_sign_in_are_audited(client, bloggs):
    sign_in(client, "bloggj01", "wrong", address="192.0.2.10")
    sign_in(client, "bloggj01", address="192.0.2.11")

    failed, succeeded = AuditEvent.objects.order_by("id")
    assert (failed.action, failed.username, failed.ip_address) == (
        "sign_in_failed",
        "bloggj01",
        "192.0.2.10",
    )
    assert (succeeded.action, succeeded.user, succeeded.ip_address) == (
        "signed_in",
        bloggs,
        "192.0.2.11",
    )
    assert succeeded.request_id


def test_suspended_account_cannot_sign_in(client, bloggs):
    bloggs.is_active = False
    bloggs.save()

    response = sign_in(client, "bloggj01")

    assert response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session
    assert "Your account is suspended" in client.get(reverse("account_inactive")).text


def test_sign_out_is_a_post_and_is_audited(client, bloggs):
    client.force_login(bloggs)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="signed_out", user=bloggs).exists()


def test_sign_up_and_allauth_password_pages_are_not_mounted(client, db):
    for path in ["/accounts/signup/", "/accounts/password/reset/", "/accounts/email/"]:
        assert client.get(path).status_code == 404
