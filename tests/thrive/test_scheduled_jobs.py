"""The scheduled jobs run without Celery beat in the embedded default (`make run` starts
`manage.py run_scheduled_jobs`): each once at start, then when due; and by hand, by name."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from thrive import scheduled_jobs
from thrive.models import OutboxEmail, Role

from ..factories import person

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def expiring(db, service):
    """Someone whose password (set on 1 March, 30 days' life) expires on 31 March."""
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=LONDON), tick=False):
        return person(Role.SERVICE_WORKER, service=service)


def test_every_scheduled_job_can_be_run_by_hand(settings):
    names = {job.name for job in scheduled_jobs.jobs()}

    assert names == set(settings.CELERY_BEAT_SCHEDULE)


def test_a_job_run_by_hand_by_name_does_its_work(expiring):
    with time_machine.travel(datetime(2026, 3, 17, 10, 0, tzinfo=LONDON), tick=False):
        call_command("run_scheduled_jobs", "--run", "selfservice-expiry-notices")

    [email] = OutboxEmail.objects.all()
    assert "expires in 14 days" in email.body


def test_an_unknown_job_name_is_refused_with_the_way_to_list_them(db):
    with pytest.raises(CommandError, match="see --list"):
        call_command("run_scheduled_jobs", "--run", "send-everything")


def test_every_job_runs_at_start_so_a_newcomer_sees_the_morning_emails(expiring):
    schedule = scheduled_jobs.jobs()

    with time_machine.travel(datetime(2026, 3, 17, 10, 0, tzinfo=LONDON), tick=False):
        ran = scheduled_jobs.run_due(schedule)

    assert ran == [job.name for job in schedule]
    assert OutboxEmail.objects.filter(subject__contains="expires soon").count() == 1


def test_a_daily_job_runs_again_the_next_morning_and_not_before(expiring):
    schedule = scheduled_jobs.jobs()
    with time_machine.travel(datetime(2026, 3, 17, 10, 0, tzinfo=LONDON), tick=False):
        scheduled_jobs.run_due(schedule)

    with time_machine.travel(datetime(2026, 3, 18, 6, 59, tzinfo=LONDON), tick=False):
        before_seven = scheduled_jobs.run_due(schedule)
    with time_machine.travel(datetime(2026, 3, 18, 7, 1, tzinfo=LONDON), tick=False):
        after_seven = scheduled_jobs.run_due(schedule)

    assert "selfservice-expiry-notices" not in before_seven
    assert "send-outbox" in before_seven  # every minute
    assert "selfservice-expiry-notices" in after_seven
    assert "selfservice-setup-reminders" not in after_seven  # at 07:30


def test_the_loop_stops_when_asked(expiring):
    stop = scheduled_jobs.threading.Event()
    stop.set()

    scheduled_jobs.run_forever(scheduled_jobs.jobs(), stop)

    assert not OutboxEmail.objects.exists()
