from importlib import import_module

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from thrive.models import AuditEvent

START = "2026-11-23 09:00:00+00:00"


@pytest.fixture
def signed_in(client, worker):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(worker)
        client.get(reverse("home"))
        yield client, clock


def test_activity_within_30_minutes_keeps_the_session(signed_in):
    client, clock = signed_in
    clock.shift(29 * 60)

    assert client.get(reverse("home")).status_code == 200


def test_30_idle_minutes_sign_the_person_out(signed_in, worker):
    client, clock = signed_in
    clock.shift(30 * 60 + 1)

    response = client.get(reverse("home"))

    assert response["Location"] == reverse("session_timed_out")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="session_timed_out", user=worker).exists()


def test_polling_the_status_does_not_count_as_activity(signed_in):
    client, clock = signed_in
    clock.shift(20 * 60)

    status = client.get(reverse("session_status")).json()
    clock.shift(10 * 60 + 1)

    assert status["seconds_left"] == 10 * 60
    assert client.get(reverse("home"))["Location"] == reverse("session_timed_out")


def test_stay_signed_in_restarts_the_idle_clock(signed_in):
    client, clock = signed_in
    clock.shift(28 * 60)

    response = client.post(reverse("session_keep_alive"))
    clock.shift(28 * 60)

    assert response.json()["seconds_left"] == 30 * 60
    assert client.get(reverse("home")).status_code == 200


def test_twelve_hours_is_the_limit_however_active(signed_in):
    client, clock = signed_in
    for _ in range(35):  # busy for 11 hours 40 minutes
        clock.shift(20 * 60)
        assert client.get(reverse("home")).status_code == 200
    clock.shift(21 * 60)  # only 21 idle minutes, but 12 hours since signing in

    assert client.get(reverse("home"))["Location"] == reverse("session_timed_out")


def test_the_warning_dialog_is_on_every_page_with_its_timings(signed_in):
    client, _ = signed_in

    page = client.get(reverse("home")).text

    assert 'id="timeout-dialog"' in page
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page


def test_the_signed_out_page_explains_why(client, db):
    page = client.get(reverse("session_timed_out")).text

    assert "You have been signed out" in page
    assert "30 minutes without activity" in page


def test_sessions_are_stored_in_the_database(client, worker, settings):
    # cached_db (with Redis): the cache only saves a query; losing the cached copy (a Redis
    # restart) signs nobody out.
    # (Django's engines, made to outlast the database primary: thrive/sessions/.)
    assert settings.SESSION_ENGINE in ("thrive.sessions.db", "thrive.sessions.cached_db")
    client.force_login(worker)
    key = client.session.session_key
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)

    cache.delete(getattr(store, "cache_key", key))  # only cached_db has a cached copy

    assert Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 200


def test_the_status_poll_of_an_ended_session_answers_zero(signed_in):
    client, clock = signed_in
    clock.shift(31 * 60)

    response = client.get(reverse("session_status"))

    assert response.json() == {"seconds_left": 0}
    assert "_auth_user_id" not in client.session
