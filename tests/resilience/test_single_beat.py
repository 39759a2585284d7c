"""Several beat processes (one per host, for resilience) run each scheduled job once: with
Redis, beat uses celery-redbeat, whose lock lets one beat schedule while the others wait."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.ports import free_port

from .servers import HAVE_REDIS_SERVER, redis_server, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="settings without REDIS_URL")
def test_without_redis_beat_keeps_celerys_own_scheduler(settings):
    """make run's worker -B, as before."""
    from thrive.celery import app

    assert not hasattr(settings, "CELERY_BEAT_SCHEDULER")
    assert app.conf.beat_scheduler == "celery.beat:PersistentScheduler"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="settings with REDIS_URL")
def test_with_redis_beat_uses_redbeat_and_keeps_the_fixed_schedule(settings):
    from thrive.celery import app

    assert app.conf.beat_scheduler == "redbeat.RedBeatScheduler"
    assert app.conf.redbeat_redis_url == settings.REDIS_URL
    assert "send-outbox" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.skipif(not HAVE_REDIS_SERVER, reason="needs redis-server")
def test_two_beats_started_at_once_only_one_schedules(tmp_path):
    with redis_server(free_port()) as server:
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
