"""The outbox through a real Celery worker and Redis broker (skipped without REDIS_URL):
eager mode would hide serialisation and on-commit mistakes."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from thrive import outbox
from thrive.celery import app
from thrive.models import OutboxEmail

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


@pytest.fixture
def worker(transactional_db):
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


def test_an_email_queued_in_a_committed_change_is_sent_by_the_worker(worker, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    email = outbox.queue_email(to="manager@example.org", subject="New case", body="KT000123")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == OutboxEmail.Status.SENT:
            break
        time.sleep(0.2)

    assert email.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["New case"]
