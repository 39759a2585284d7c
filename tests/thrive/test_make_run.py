"""`make run`: emailed links follow HOST and PORT, and the daily jobs run without Redis. The
recipe is run for real with a stand-in for manage.py that records how it was called."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")

# Waits (on a condition, not a time) for the background job to have started before the
# stand-in runserver returns, since returning ends `make run` and stops the background job.
STAND_IN = """#!/bin/sh
echo "$* SITE_URL=$SITE_URL" >> "$CALLS"
if [ "$1" = runserver ]; then
  for _ in $(seq 600); do grep -q '^run_scheduled_jobs' "$CALLS" && exit 0; sleep 0.1; done
fi
"""


def make_run(tmp_path, *args, **env):
    calls = tmp_path / "calls"
    manage = tmp_path / "manage"
    manage.write_text(STAND_IN)
    manage.chmod(0o755)
    environment = {
        key: value for key, value in os.environ.items() if key not in ("SITE_URL", "MAKEFLAGS")
    }
    # An empty REDIS_URL is the embedded default whatever .env says.
    environment |= {"CALLS": str(calls), "REDIS_URL": "", **env}
    subprocess.run(
        ["make", "--no-print-directory", "-o", "demo-data", "run", f"MANAGE={manage}", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return calls.read_text().splitlines()


def test_emailed_links_follow_the_host_and_port_make_run_serves_on(tmp_path):
    calls = make_run(tmp_path, "HOST=0.0.0.0", "PORT=8123")

    assert "runserver 0.0.0.0:8123 SITE_URL=http://0.0.0.0:8123" in calls


def test_a_site_url_that_is_set_wins(tmp_path):
    calls = make_run(tmp_path, "PORT=8123", SITE_URL="https://thrive.example.org")

    assert "runserver 127.0.0.1:8123 SITE_URL=https://thrive.example.org" in calls


def test_without_redis_make_run_runs_the_daily_jobs_alongside_the_server(tmp_path):
    calls = make_run(tmp_path)

    assert any(call.startswith("run_scheduled_jobs ") for call in calls)
