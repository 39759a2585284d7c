"""Logs are structured lines carrying the request id and the Celery task id, and never a
query string, a form body or a family name."""

import io
import json
import logging
import logging.config

import celery.signals
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_structlog.celery.receivers import CeleryReceiver

from thrive import logs
from thrive.celery import app

from ..processes import run_python


@pytest.fixture
def json_lines():
    """Everything logged while the test runs, as the JSON lines LOG_FORMAT=json writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.config.DictConfigurator({}).configure_formatter(
            logs.logging_config(format="json", level="INFO")["formatters"]["json"]
        )
    )
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_request_lines_carry_the_request_id_and_no_query_string(client, json_lines):
    response = client.get(reverse("account_login") + "?family=Flowerpot&next=/")

    lines = [
        line for line in json_lines() if line["logger"] == "django_structlog.middlewares.request"
    ]
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert finished["request"] == "GET /accounts/login/"
    assert finished["request_id"] == response["X-Request-ID"]
    assert finished["code"] == 200
    assert {"timestamp", "level", "logger"} <= set(finished)
    assert "Flowerpot" not in json.dumps(json_lines())


@pytest.mark.django_db
def test_form_bodies_are_never_logged(client, json_lines):
    client.post(reverse("account_login"), {"login": "flowerpot01", "password": "Secret-123"})

    logged = json.dumps(json_lines())
    assert "request_finished" in logged
    assert "flowerpot01" not in logged
    assert "Secret-123" not in logged


def test_a_trusted_request_id_from_the_proxy_is_the_one_logged(client, json_lines, db):
    response = client.get(reverse("account_login"), headers={"X-Request-ID": "proxy-id-12345678"})

    finished = next(line for line in json_lines() if line["event"] == "request_finished")
    assert response["X-Request-ID"] == finished["request_id"] == "proxy-id-12345678"


@app.task(name="tests.log_something")
def log_something():
    logging.getLogger("thrive.test").info("inside the task")


def test_task_lines_carry_the_celery_task_id(json_lines, settings):
    receiver = CeleryReceiver()
    receiver.connect_worker_signals()  # as the worker's boot step does
    try:
        result = log_something.apply()
    finally:
        for name in ("task_prerun", "task_success", "task_failure"):
            getattr(celery.signals, name).disconnect(getattr(receiver, f"receiver_{name}"))

    inside = next(line for line in json_lines() if line["event"] == "inside the task")
    assert inside["task_id"] == result.id
    assert inside["level"] == "info"


def test_the_log_format_is_checked():
    with pytest.raises(Exception, match="LOG_FORMAT must be one of"):
        logs.logging_config(format="xml", level="INFO")


def test_error_reports_drop_query_strings_cookies_and_bodies():
    event = {
        "request": {
            "url": "https://thrive.example.org/documents/upload/?q=Flowerpot",
            "query_string": "q=Flowerpot",
            "cookies": {"sessionid": "abc"},
            "data": {"q": "Flowerpot"},
            "method": "POST",
        }
    }

    scrubbed = logs.scrub_event(event, {})

    assert scrubbed["request"] == {
        "url": "https://thrive.example.org/documents/upload/",
        "method": "POST",
    }


def test_error_reporting_sends_no_personal_data_local_variables_or_bodies():
    program = (
        "import sentry_sdk; from django.conf import settings; settings.INSTALLED_APPS; "
        "o = sentry_sdk.get_client().options; "
        "print(o['send_default_pii'], o['include_local_variables'], o['max_request_body_size'])"
    )
    output = run_python(program, {"SENTRY_DSN": "https://public@errors.example.org/1"})

    assert output.split() == ["False", "False", "never"]


def test_error_reporting_is_off_without_a_dsn():
    import sentry_sdk

    assert django_settings.SENTRY_DSN == ""
    assert not sentry_sdk.is_initialized()


@pytest.mark.django_db
def test_request_started_is_logged_only_at_debug(client, json_lines):
    client.get(reverse("account_login") + "?family=Flowerpot")
    assert not [line for line in json_lines() if line["event"] == "request_started"]

    logging.getLogger().setLevel(logging.DEBUG)
    response = client.get(reverse("account_login") + "?family=Flowerpot")

    started = next(line for line in json_lines() if line["event"] == "request_started")
    assert started["request"] == "GET /accounts/login/"
    assert started["request_id"] == response["X-Request-ID"]
    assert "Flowerpot" not in json.dumps(json_lines())
