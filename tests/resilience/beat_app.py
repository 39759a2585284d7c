"""`celery -A tests.resilience.beat_app beat`: Thrive's Celery app and scheduler, with one job
every PERIOD seconds and a one-second loop, so a test sees many periods in a few seconds. No
worker runs: what beat sends waits in the broker's queue."""

from thrive.celery import app

PERIOD = 2.0

app.conf.beat_schedule = {"tick": {"task": "tests.resilience.tick", "schedule": PERIOD}}
app.conf.beat_max_loop_interval = 1
