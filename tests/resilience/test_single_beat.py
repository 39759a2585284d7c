"""Several beat processes (one per host, for resilience) run each scheduled job once: with
Redis, beat uses celery-redbeat, whose lock lets one beat schedule while the others wait, and
Thrive's scheduler (thrive/beat.py) rides out a Redis outage instead of exiting."""

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import redis

from tests.ports import free_port

from .beat_app import PERIOD
from .servers import HAVE_REDIS_SERVER, redis_server, wait_until

ROOT = Path(__file__).resolve().parents[2]
SCHEDULER = "thrive.beat.TolerantRedBeatScheduler"
UNAVAILABLE = "beat: Redis unavailable"
ANSWERING = "beat: Redis answering again"
needs_redis_server = pytest.mark.skipif(not HAVE_REDIS_SERVER, reason="needs redis-server")


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="settings without REDIS_URL")
def test_without_redis_beat_keeps_celerys_own_scheduler(settings):
    """make run's worker -B, as before."""
    from thrive.celery import app

    assert not hasattr(settings, "CELERY_BEAT_SCHEDULER")
    assert app.conf.beat_scheduler == "celery.beat:PersistentScheduler"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="settings with REDIS_URL")
def test_with_redis_beat_uses_redbeat_and_keeps_the_fixed_schedule(settings):
    from thrive.celery import app

    assert app.conf.beat_scheduler == SCHEDULER
    assert app.conf.redbeat_redis_url.startswith(settings.REDIS_URL + "?")
    assert "send-outbox" in settings.CELERY_BEAT_SCHEDULE


class Beat:
    """`celery beat` in a process of its own, logging JSON lines to a file."""

    def __init__(self, server, log: Path, app: str):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {
            "REDIS_URL": server.url,
            "DJANGO_SETTINGS_MODULE": "thrive.settings",
            "LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).with_name("celery")), "-A", app, "beat", "-l", "info"]
            + ["--pidfile", ""],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def events(self) -> list[dict]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def said(self, text: str) -> int:
        return sum(1 for e in self.events() if e["event"].startswith(text))

    def sends(self, after: str | None = None) -> list[datetime]:
        """When this beat sent the job, counting only after its first line saying `after`."""
        found, counting = [], after is None
        for event in self.events():
            counting = counting or event["event"].startswith(after)
            if counting and event["event"].startswith("Scheduler: Sending due task tick "):
                found.append(datetime.fromisoformat(event["timestamp"]))
        return found

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def beats(tmp_path):
    started = []

    def start(server, n=1, app="tests.resilience.beat_app"):
        new = [Beat(server, tmp_path / f"beat{len(started) + i}.log", app) for i in range(n)]
        started.extend(new)
        return new

    yield start
    for beat in started:
        if beat.alive():
            beat.stop()


def gaps(times: list[datetime]) -> list[float]:
    times = sorted(times)
    return [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]


def redis_outage(server, beats_, *, lasting_ticks=3):
    """Stop Redis under running beats until each has noticed, keep it away for a few of their
    one-second ticks, and start it again (empty, as a Redis without persistence comes back)."""
    server.stop()
    wait_until(lambda: all(b.said(UNAVAILABLE) for b in beats_), timeout=30, what="the outage")
    time.sleep(lasting_ticks)  # the outage lasts: every beat ticks against a dead Redis
    server.start()
    wait_until(lambda: all(b.said(ANSWERING) for b in beats_), timeout=30, what="recovery")


@needs_redis_server
def test_two_beats_started_at_once_only_one_schedules(beats):
    with redis_server(free_port()) as server:
        started = beats(server, 2, app="thrive")
        client = redis.Redis.from_url(server.url)
        wait_until(
            lambda: client.exists("redbeat::lock"), timeout=120, what="a beat to take the lock"
        )
        wait_until(
            lambda: all(b.said("beat: Starting") for b in started),
            timeout=120,
            what="both beats to start",
        )
        time.sleep(3)  # give the second beat every chance to (wrongly) take the lock too
        acquired = [b for b in started if b.said("beat: Acquired lock")]

        assert len(acquired) == 1
        assert SCHEDULER in started[0].log.read_text()


@needs_redis_server
def test_beat_rides_out_a_redis_outage_and_keeps_its_period_without_a_restart(beats):
    with redis_server(free_port()) as server:
        [beat] = beats(server)
        wait_until(lambda: len(beat.sends()) >= 2, timeout=120, what="beat to send the job")

        redis_outage(server, [beat])
        wait_until(lambda: len(beat.sends(after=ANSWERING)) >= 3, timeout=60, what="sends")
        assert beat.alive()  # the same process throughout: never exited, never restarted
        beat.stop()

        after = beat.sends(after=UNAVAILABLE)
        queued = redis.Redis.from_url(server.url).llen("celery")
        assert queued == len(after) >= 3  # every send after the outage reached the broker
        assert min(gaps(after)) >= PERIOD * 0.9  # once per period
        assert beat.said(UNAVAILABLE) == 1  # one warning for the outage, not one per tick
        assert beat.said(ANSWERING) == 1


@needs_redis_server
def test_two_beats_through_a_redis_outage_still_schedule_each_job_once(beats):
    with redis_server(free_port()) as server:
        both = beats(server, 2)
        wait_until(lambda: sum(len(b.sends()) for b in both) >= 2, timeout=120, what="sends")
        assert sum(1 for b in both if b.said("beat: Acquired lock")) == 1

        redis_outage(server, both)  # Redis comes back empty: the lock is gone
        wait_until(
            lambda: sum(len(b.sends(after=ANSWERING)) for b in both) >= 4,
            timeout=60,
            what="sends after the outage",
        )
        assert all(b.alive() for b in both)
        for b in both:
            b.stop()

        after = [at for b in both for at in b.sends(after=UNAVAILABLE)]
        queued = redis.Redis.from_url(server.url).llen("celery")
        assert queued == len(after)
        assert min(gaps(after)) >= PERIOD * 0.9  # one beat sent them: never two at once
