"""The scheduled jobs (settings.CELERY_BEAT_SCHEDULE) without Celery beat.

With REDIS_URL, Celery beat sends these jobs to a worker. The embedded default has neither, so
`manage.py run_scheduled_jobs` (started by `make run`) runs them in its own process instead:
each job once at start, because a newcomer's `make run` at 10:00 would otherwise wait until
the next morning to see a 07:00 email, and then each time it falls due. Every job is
idempotent (running one twice sends nothing twice), which is what makes the run at start safe.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings

from .celery import app

log = logging.getLogger(__name__)

# Wake at least this often, so a clock change (or a laptop waking up) is noticed.
LONGEST_SLEEP = timedelta(minutes=1)


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    last_run: datetime | None = field(default=None)

    def due_in(self) -> timedelta:
        """How long until this job is next due; zero or less means now."""
        if self.last_run is None:
            return timedelta(0)
        return self.schedule.remaining_estimate(self.last_run)

    def describe(self) -> str:
        return f"{self.name}: {self.task} ({self.schedule})"


def jobs() -> list[Job]:
    """Every entry of the beat schedule, in the order settings lists them."""
    return [
        Job(name, entry["task"], maybe_schedule(entry["schedule"], app=app))
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]


def run_job(job: Job) -> bool:
    """Run one job in this process and say whether it succeeded. A failure is logged, not
    raised: one broken job must not stop the others."""
    app.loader.import_default_modules()  # finds every app's tasks.py, as a worker does
    job.last_run = app.now()
    result = app.tasks[job.task].apply(throw=False)
    if result.failed():
        log.error("Scheduled job %s failed: %s", job.name, result.result)
        return False
    log.info("Scheduled job %s done (%s)", job.name, result.result)
    return True


def run_due(schedule: list[Job]) -> list[str]:
    """Run the jobs that are due now; return their names."""
    ran = []
    for job in schedule:
        if job.due_in() <= timedelta(0):
            run_job(job)
            ran.append(job.name)
    return ran


def run_forever(schedule: list[Job], stop: threading.Event) -> None:
    """Run each job when it falls due until `stop` is set."""
    while not stop.is_set():
        run_due(schedule)
        wait = min([job.due_in() for job in schedule] + [LONGEST_SLEEP])
        stop.wait(max(wait.total_seconds(), 1))
