"""Several beat processes (one per host, for resilience) run each scheduled job once: with
Redis, beat uses celery-redbeat, whose lock lets one beat schedule while the others wait."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from .servers import HAVE_REDIS_SERVER, redis_server, wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_beat_uses_redbeat_with_redis_and_celerys_own_scheduler_without(settings):
    from thrive.celery import app

    # The test settings have no REDIS_URL: make run's worker -B keeps Celery's scheduler.
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULER")
    assert app.conf.beat_scheduler == "celery.beat:PersistentScheduler"
    assert "send-outbox" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.skipif(not HAVE_REDIS_SERVER, reason="needs redis-server")
def test_two_beats_started_at_once_only_one_schedules(tmp_path):
    with redis_server(17105) as server:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"REDIS_URL": server.url, "DJANGO_SETTINGS_MODULE": "thrive.settings"}
        celery = str(Path(sys.executable).with_name("celery"))
        logs = [tmp_path / f"beat{n}.log" for n in (1, 2)]
        beats = [
            subprocess.Popen(  # noqa: S603
                [celery, "-A", "thrive", "beat", "-l", "info", "--pidfile", ""],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            for log in logs
        ]
        try:
            client = redis.Redis.from_url(server.url)
            wait_until(
                lambda: client.exists("redbeat::lock"), timeout=120, what="a beat to take the lock"
            )
            wait_until(
                lambda: all("beat: Starting" in log.read_text() for log in logs),
                timeout=120,
                what="both beats to start",
            )
            time.sleep(3)  # give the second beat every chance to (wrongly) take the lock too
            acquired = [log for log in logs if "beat: Acquired lock" in log.read_text()]
        finally:
            for beat in beats:
                beat.terminate()
                beat.wait(timeout=20)

        assert len(acquired) == 1
        assert "RedBeatScheduler" in logs[0].read_text()
