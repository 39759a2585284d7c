"""Migration portal/0007 fills every existing task's search keys in bulk
(thrive/search/fill.py), exactly as saving the task does."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from portal.models import Task

from .conftest import make_task

migration = importlib.import_module("portal.migrations.0007_task_search")


@pytest.mark.parametrize(
    "child_name",
    ["Zoë O’Brien-Smith", "José María Núñez", "Siân d'Arcy", "Łukasz Żółć", "Anne-Marie Strauß"],
)
def test_the_migrations_fill_writes_the_keys_saving_the_task_writes(
    ehcna, send_officer, group, child_name
):
    task = make_task(ehcna, send_officer, group, child_name=child_name)
    saved = (task.search_names, task.search_sounds)
    Task.objects.update(search_names="", search_sounds="")  # as the new columns start

    migration.fill_search_keys(apps, SimpleNamespace(connection=connection))  # its editor

    task.refresh_from_db()
    assert (task.search_names, task.search_sounds) == saved != ("  ", "  ")
