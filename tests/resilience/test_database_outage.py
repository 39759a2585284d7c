"""PostgreSQL down with no replica: 503 with Retry-After and the request reference, a page that
says what was and was not saved, and the sign-in page says Thrive is unavailable."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from thrive.outage import part_unavailable

from ..factories import make_case


@contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL has stopped."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def test_a_change_submitted_during_an_outage_is_answered_503_saying_it_was_not_saved(
    browser, manager, service
):
    case = make_case(service)
    browser.force_login(manager)

    with database_down():
        response = browser.post(f"/cases/{case.thrive_id}/edit/", {"reason": "x"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The change you just submitted has not been saved" in response.text
    assert "Nothing you saved before this has been lost" in response.text
    assert response["X-Request-ID"] in response.text


def test_a_page_read_during_an_outage_says_thrive_is_unavailable(browser, manager):
    browser.force_login(manager)

    with database_down():
        response = browser.get("/", HTTP_X_REQUEST_ID="complaint-ref-0001")

    assert response.status_code == 503
    assert "Sorry, Thrive is unavailable" in response.text
    assert "has not been saved" not in response.text
    assert "complaint-ref-0001" in response.text
    assert response["X-Request-ID"] == "complaint-ref-0001"


def test_the_sign_in_page_says_thrive_is_unavailable_rather_than_failing(browser, db):
    with database_down():
        page = browser.get("/accounts/login/")
        signing_in = browser.post("/accounts/login/", {"login": "a", "password": "b"})

    assert page.status_code == 503
    assert "Sorry, Thrive is unavailable" in page.text
    assert signing_in.status_code == 503


def test_other_errors_are_still_a_500(browser, manager, monkeypatch):
    browser.force_login(manager)
    monkeypatch.setattr("thrive.views.render", lambda *a, **k: 1 / 0)

    response = browser.get("/")

    assert response.status_code == 500
    assert "Sorry, there is a problem" in response.text


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        RedisConnectionError("Connection refused"),
        BrokerError("Error 111 connecting to 127.0.0.1:6379"),
    ],
)
def test_an_unreachable_database_cache_or_broker_counts_as_unavailable(error):
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("wrapped by a library") from inner
    except RuntimeError as outer:
        assert part_unavailable(outer)


def test_a_programming_error_does_not_count_as_unavailable():
    assert not part_unavailable(ValueError("bad value"))


def test_a_view_that_loses_the_database_answers_503_even_with_debug_on(
    browser, manager, monkeypatch, settings
):
    """Django shows its debug page for view errors when DEBUG is on; the outage page wins."""
    settings.DEBUG = True
    browser.force_login(manager)

    def lose_the_database(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("thrive.views.render", lose_the_database)

    response = browser.get("/")

    assert response.status_code == 503
    assert "Sorry, Thrive is unavailable" in response.text
