"""What the Operations page shows system administrators: failed emails (with retry), the last
run of each scheduled job, queue lengths, the answers of the services Thrive depends on, and
the database replica's lag.

Apps add the services they depend on with `status_check` (documents adds the virus scanner),
so the core knows nothing of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import schedule as celery_schedule
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import audit, outbox
from .models import OutboxEmail, ScheduledJobRun

log = logging.getLogger(__name__)

# A job counts as late once its next run is this much overdue (beat ticks, worker queues).
LATE_AFTER = timedelta(minutes=10)


# --- Status checks registered by apps ---------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    ok: bool
    text: str


STATUS_CHECKS: dict[str, Callable[[], Answer]] = {}


def status_check(name: str):
    """Register `function() -> Answer` under `name`; it must answer within a few seconds."""

    def register(function):
        STATUS_CHECKS[name] = function
        return function

    return register


def status_answers() -> dict[str, Answer]:
    answers = {}
    for name, check in STATUS_CHECKS.items():
        try:
            answers[name] = check()
        except Exception as error:  # a check must never break the page
            answers[name] = Answer(False, f"The check failed: {error.__class__.__name__}")
    return answers


# --- Scheduled jobs ---------------------------------------------------------------------------
def _scheduled_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


@task_prerun.connect
def _job_started(sender=None, **kwargs):
    if sender is not None and sender.name in _scheduled_task_names():
        ScheduledJobRun.objects.update_or_create(
            task=sender.name,
            defaults={"started_at": timezone.now(), "finished_at": None, "succeeded": None},
        )


@task_postrun.connect
def _job_finished(sender=None, state=None, retval=None, **kwargs):
    if sender is None or sender.name not in _scheduled_task_names():
        return
    succeeded = state == "SUCCESS"
    ScheduledJobRun.objects.filter(task=sender.name).update(
        finished_at=timezone.now(),
        succeeded=succeeded,
        error="" if succeeded else f"{retval.__class__.__name__}: {retval}"[:300],
    )


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task: str
    every: str
    last: ScheduledJobRun | None
    late: bool


def _describe(schedule) -> str:
    if isinstance(schedule, timedelta):
        minutes = int(schedule.total_seconds() // 60)
        return f"Every {minutes} minute{'s' if minutes != 1 else ''}"
    fields = f"{schedule._orig_minute} {schedule._orig_hour} {schedule._orig_day_of_month}"
    return f"cron {fields} {schedule._orig_month_of_year} {schedule._orig_day_of_week}"


def _is_late(schedule, last_started: datetime | None, now: datetime) -> bool:
    if last_started is None:
        return False  # never run yet: shown as such, not as late
    if isinstance(schedule, timedelta):
        schedule = celery_schedule(schedule)
    return schedule.remaining_estimate(last_started) < -LATE_AFTER and (
        now - last_started > LATE_AFTER
    )


def scheduled_jobs(now: datetime | None = None) -> list[ScheduledJob]:
    now = now or timezone.now()
    runs = {run.task: run for run in ScheduledJobRun.objects.all()}
    jobs = []
    for name, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        last = runs.get(entry["task"])
        jobs.append(
            ScheduledJob(
                name=name,
                task=entry["task"],
                every=_describe(entry["schedule"]),
                last=last,
                late=_is_late(entry["schedule"], last and last.started_at, now),
            )
        )
    return jobs


# --- Queues -----------------------------------------------------------------------------------
def queue_lengths() -> dict[str, int] | None:
    """Tasks waiting in each Celery queue; None when tasks run inline (no broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return None
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
    )
    try:
        return {"celery": client.llen("celery")}
    finally:
        client.close()


def outbox_counts() -> dict[str, int]:
    return {
        status: OutboxEmail.objects.filter(status=status).count()
        for status in (OutboxEmail.Status.PENDING, OutboxEmail.Status.FAILED)
    }


def failed_emails(limit: int = 50):
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).order_by("-created_at")[
        :limit
    ]


# --- Replica ----------------------------------------------------------------------------------
def replica_lag() -> timedelta | None | str:
    """How far the read replica is behind: None when no replica is configured, a message when
    it cannot be asked (or is not PostgreSQL)."""
    if "replica" not in settings.DATABASES:
        return None
    connection = connections["replica"]
    if connection.vendor != "postgresql":
        return "Only a PostgreSQL replica reports its lag."
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        (seconds,) = cursor.fetchone()
    if seconds is None:
        return "The replica has not replayed anything yet."
    return timedelta(seconds=float(seconds))


# --- Changes ----------------------------------------------------------------------------------
@transaction.atomic
def retry_failed_email(*, email: OutboxEmail, request) -> bool:
    """Put a failed email back in the outbox with a fresh set of attempts; the worker sends it
    once this commits. Returns False if it was no longer failed (retried twice, say)."""
    updated = OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.FAILED).update(
        status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if not updated:
        return False
    audit.record(request, "retried", email, note="failed email put back in the outbox")
    transaction.on_commit(lambda: outbox._ask_worker(email.pk))
    return True
