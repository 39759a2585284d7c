"""The Operations page: system administrators see failed emails (and retry them), the last run
of each scheduled job, queue lengths, the services' answers and the replica's lag."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.ports import free_port
from thrive import operations
from thrive.celery import app
from thrive.models import AuditEvent, OutboxEmail, Role, ScheduledJobRun

from ..factories import failed_email, person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin_client(verified_client):
    return verified_client(person(Role.SYSTEM_ADMIN))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_only_system_administrators_see_the_operations_page(verified_client, role):
    client = verified_client(person(role))

    assert client.get(reverse("operations")).status_code == 404


def test_failed_emails_are_listed_without_their_bodies(admin_client):
    failed_email()

    page = admin_client.get(reverse("operations")).content.decode()

    assert "Case KT000123 allocated" in page
    assert "SMTP 421 try later" in page
    assert "body text never shown" not in page
    assert "0 waiting to be sent, 1 failed" in page


def test_retrying_a_failed_email_puts_it_back_in_the_outbox_and_audits_it(
    admin_client, django_capture_on_commit_callbacks
):
    email = failed_email()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(reverse("operations_retry_email", args=[email.pk]))

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.PENDING, 0)
    assert len(queued) == 1  # the worker is asked once the change commits
    assert AuditEvent.objects.filter(action="retried", object_id=str(email.pk)).exists()


def test_retrying_an_email_that_is_no_longer_failed_changes_nothing(admin_client):
    email = failed_email()
    email.status = OutboxEmail.Status.SENT
    email.save()

    admin_client.post(reverse("operations_retry_email", args=[email.pk]))

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert not AuditEvent.objects.filter(action="retried").exists()


@app.task(name="tests.scheduled_boom")
def scheduled_boom():
    raise RuntimeError("disk full")


def run_boom():
    """As a worker runs it: the failure is recorded, not raised here."""
    scheduled_boom.apply(throw=False)


@app.task(name="tests.scheduled_fine")
def scheduled_fine():
    return "done"


@pytest.fixture
def schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "fine-every-minute": {"task": "tests.scheduled_fine", "schedule": timedelta(minutes=1)},
        "boom-every-hour": {"task": "tests.scheduled_boom", "schedule": timedelta(hours=1)},
    }


@time_machine.travel(NOW, tick=False)
def test_each_scheduled_jobs_last_run_and_result_is_recorded(schedule):
    scheduled_fine.apply()
    run_boom()

    runs = {run.task: run for run in ScheduledJobRun.objects.all()}
    assert runs["tests.scheduled_fine"].succeeded is True
    assert runs["tests.scheduled_fine"].started_at == NOW
    assert runs["tests.scheduled_boom"].succeeded is False
    assert runs["tests.scheduled_boom"].error == "RuntimeError: disk full"


def test_tasks_that_are_not_on_the_schedule_are_not_recorded(schedule, settings):
    settings.CELERY_BEAT_SCHEDULE = {}

    scheduled_fine.apply()

    assert not ScheduledJobRun.objects.exists()


def test_a_job_whose_next_run_is_long_overdue_is_late(schedule):
    with time_machine.travel(NOW, tick=False):
        scheduled_fine.apply()
        run_boom()

    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        jobs = {job.name: job for job in operations.scheduled_jobs()}

    assert jobs["fine-every-minute"].late is True
    assert jobs["boom-every-hour"].late is False
    assert jobs["boom-every-hour"].every == "Every 60 minutes"


def test_the_page_shows_every_scheduled_job_and_its_result(admin_client, schedule):
    with time_machine.travel(NOW, tick=False):
        run_boom()

    page = admin_client.get(reverse("operations")).content.decode()

    assert "fine-every-minute" in page and "Not run yet" in page
    assert "boom-every-hour" in page and "RuntimeError: disk full" in page


def test_with_tasks_inline_there_is_no_queue_and_no_replica(admin_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    page = admin_client.get(reverse("operations")).content.decode()

    assert "Tasks run inline in the web process" in page
    assert "No replica is configured." in page


def test_queue_lengths_are_read_from_the_broker(settings, monkeypatch):
    class FakeRedis:
        def llen(self, name):
            return {"celery": 12}[name]

        def close(self):
            pass

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr("redis.Redis.from_url", lambda url, **kwargs: FakeRedis())

    assert operations.queue_lengths() == {"celery": 12}


def test_a_broker_that_cannot_be_reached_is_shown_not_raised(admin_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    page = admin_client.get(reverse("operations")).content.decode()

    assert "The queue cannot be read (ConnectionError)." in page


def test_the_page_costs_the_same_queries_for_one_failed_email_or_thirty(admin_client):
    failed_email()
    admin_client.get(reverse("operations"))  # warm the per-process caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(reverse("operations"))
        return len(captured)

    one = queries()
    for _ in range(29):
        failed_email()

    # At most: session, user, OTP device, roles, then the two outbox counts, the scheduled job
    # runs and the failed emails (the session query is gone where sessions are cached).
    assert queries() == one <= 8
