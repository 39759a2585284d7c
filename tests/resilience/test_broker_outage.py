"""The broker (Redis) is down: an email queued by a change stays in the outbox, the change is
not held up, and beat's sweep sends it once the broker is back."""

import logging

import pytest
from django.core import mail

from thrive import outbox
from thrive.celery import app
from thrive.models import OutboxEmail

from .servers import CLOSED_PORT


@pytest.fixture
def broker_down():
    saved = app.conf.task_always_eager, app.conf.broker_url, outbox._broker_failed_at
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{CLOSED_PORT}/3"
    outbox._broker_failed_at = None
    yield
    app.conf.task_always_eager, app.conf.broker_url, outbox._broker_failed_at = saved


def test_an_email_queued_while_the_broker_is_down_waits_in_the_outbox(
    db, broker_down, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.WARNING, logger="thrive.outbox")
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.queue_email(to="a@example.org", subject="Case accepted", body="KT1")
        second = outbox.queue_email(to="b@example.org", subject="Case declined", body="KT2")

    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"pending"}
    assert {first.pk, second.pk} == set(OutboxEmail.objects.values_list("pk", flat=True))
    assert len([r for r in caplog.records if r.name == "thrive.outbox"]) == 1


def test_after_a_broker_failure_the_next_emails_do_not_try_it(db, broker_down, monkeypatch):
    outbox._ask_worker(1)  # fails: the broker is down
    tried = []
    monkeypatch.setattr(
        "thrive.tasks.send_outbox_email.apply_async", lambda *a, **k: tried.append(a)
    )

    outbox._ask_worker(2)

    assert tried == []


def test_emails_left_in_the_outbox_go_with_the_sweep_once_the_broker_is_back(
    db, broker_down, django_capture_on_commit_callbacks, settings
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_email(to="a@example.org", subject="Case accepted", body="KT1")

    sent = outbox.send_pending()  # what beat's send-outbox runs every minute

    assert sent == 1
    assert [m.subject for m in mail.outbox] == ["Case accepted"]
