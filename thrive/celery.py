import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrive.settings")

app = Celery("thrive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every task's log lines carry its task_id (and the request_id of the request that queued it).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_thrive_logging(**kwargs):
    """Workers and the scheduler log as the web does (Django's LOGGING), not Celery's way."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
