from importlib import import_module

import pytest
from django.test import Client
from django.urls import reverse

from selfservice.models import PasswordHistory, SelfServiceLock
from selfservice.services import end_sessions
from thrive.models import AuditEvent, UserSession

from ..factories import PASSWORD
from .factories import outbox

URL = reverse("selfservice:change_password")
NEW = "Copper-Kite-77"


def change(client, current=PASSWORD, new=NEW, confirm=None, **extra):
    data = {"current_password": current, "new_password": new, "confirm_password": confirm or new}
    return client.post(URL, {**data, **extra})


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith(reverse("account_login"))


def test_the_page_shows_the_rules_before_typing(client, jo):
    client.force_login(jo)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Change your password" in response.text
    assert "at least 3 of these 4" in response.text
    assert "you cannot use ‘Password01’ and then ‘Password02’" in response.text
    assert "maxlength" not in response.text  # a browser must never cut a password short


def test_changing_the_password(client, jo):
    client.force_login(jo)

    response = change(client, next="/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("selfservice:password_changed"))
    jo.refresh_from_db()
    assert jo.check_password(NEW)
    assert PasswordHistory.objects.filter(user=jo).count() == 1
    assert AuditEvent.objects.filter(action="password_changed", user=jo).exists()
    assert client.get(reverse("home")).status_code == 200  # still signed in here


def test_other_sessions_end_and_an_email_says_what_happened(client, jo):
    elsewhere = Client()
    elsewhere.force_login(jo)
    client.force_login(jo)

    change(client)

    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert UserSession.objects.filter(user=jo).count() == 1
    [email] = outbox("password has been changed")
    assert email.to == [jo.email]
    assert "If this was not you" in email.body
    assert jo.username not in email.body and jo.full_name not in email.body


def test_ended_sessions_leave_the_session_cache_too(client, jo, settings):
    client.force_login(jo)
    key = client.session.session_key

    end_sessions(jo)

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store(session_key=key).load() == {}
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_the_confirmation_page_links_back(client, jo):
    client.force_login(jo)

    response = client.get(change(client, next="/services/")["Location"])

    assert "Password changed" in response.text
    assert 'href="/services/"' in response.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current_password": ""}, "current_password", "Enter your current password"),
        ({"new_password": "", "confirm_password": ""}, "new_password", "Enter a new password"),
        ({"confirm_password": "Copper-Kite-78"}, "confirm_password", "The passwords do not match"),
        (
            {"new_password": "short", "confirm_password": "short"},
            "new_password",
            "Your password must be at least 6 characters long",
        ),
        (
            {"new_password": "Aa1!" * 33, "confirm_password": "Aa1!" * 33},
            "new_password",
            "it has 132",
        ),
        ({"new_password": "bloggs-77!", "confirm_password": "bloggs-77!"}, "new_password", "‘blo’"),
        (
            {"new_password": "Correct-Horse-43!", "confirm_password": "Correct-Horse-43!"},
            "new_password",
            "Your password must be different from your last 24 passwords",
        ),
    ],
)
def test_refusals_are_named_next_to_the_field(client, jo, data, field, message):
    client.force_login(jo)
    values = {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW, **data}

    response = client.post(URL, values)

    assert response.status_code == 200
    assert response.text.count(message) == 2  # in the error summary and next to the field
    assert f'href="#id_{field}"' in response.text
    assert "<title>Error: " in response.text
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


def test_a_small_change_is_reported_once(client, jo):
    client.force_login(jo)

    response = change(client, new="Correct-Horse-42!!")

    assert response.text.count("Your password must be different from your last 24") == 2


def test_a_wrong_current_password_counts_towards_the_lockout(client, jo, settings):
    client.force_login(jo)

    for _ in range(settings.SELFSERVICE_LOCKOUT_ATTEMPTS):
        response = change(client, current="not-my-password")

    assert "Your current password is not right" not in response.text
    assert "too many wrong tries" in response.text
    assert SelfServiceLock.objects.get(user=jo).is_locked()
    assert AuditEvent.objects.filter(action="selfservice_failed", user=jo).count() == 5
    assert AuditEvent.objects.filter(action="selfservice_locked", user=jo).exists()
    change(client)  # even the right password is refused while locked
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


def test_a_wrong_current_password_says_so(client, jo):
    client.force_login(jo)

    response = change(client, current="not-my-password")

    assert "Your current password is not right" in response.text
