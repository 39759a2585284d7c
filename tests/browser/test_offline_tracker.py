"""The offline tracker in a browser, against a real Thrive process that is stopped and
started again: records kept while it is down are sent once it is back, each exactly once."""

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.ports import free_port

from .conftest import ROOT
from .test_case_journey import sign_in

PORT = free_port()
CREATE_WORKER = """
from tests.factories import ServiceFactory, person
from thrive.models import Role
service = ServiceFactory(name="Family Matters Ashford")
worker = person(Role.SERVICE_WORKER, service=service, username="wkr01", full_name="Will Kerr")
worker.set_password({password!r})
worker.save()
"""


@dataclass
class ThriveProcess:
    env: dict
    database: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{PORT}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("Thrive did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process = None

    def records(self) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(
                "SELECT client_key, details FROM continuity_downtimerecord ORDER BY id"
            ).fetchall()


@pytest.fixture
def thrive(tmp_path):
    database = str(tmp_path / "thrive.sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "DEBUG": "true",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    script = CREATE_WORKER.format(password=settings.DEMO_PASSWORD)
    subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    server = ThriveProcess(env=env, database=database)
    server.start()
    yield server
    if server.process is not None:
        server.stop()


def wait_until(page, script, seconds=30):
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        time.sleep(0.25)


def keep_record(page, number):
    page.get_by_label("Thrive ID or NEW").fill("NEW")
    page.get_by_label("Child surname").fill(f"Offline{number}")
    page.get_by_label("What was done").fill(f"Visit {number}, typed while Thrive was down.")
    page.get_by_role("button", name="Keep this record").click()
    expect(page.get_by_label("Child surname")).to_have_value("")


def test_records_kept_while_thrive_is_down_are_sent_once_when_it_is_back(thrive, page):
    sign_in(page, thrive, "wkr01")
    page.goto(f"{thrive.url}/continuity/offline/")
    # Installed: the service worker controls the page and the page is in its cache.
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    wait_until(page, "() => caches.match('/continuity/offline/').then(Boolean)")

    thrive.stop()
    page.reload()  # served by the service worker: Thrive is not answering
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline Downtime tracker")
    for number in (1, 2, 3):
        keep_record(page, number)
    expect(page.get_by_test_id("offline-status")).to_contain_text("3 records waiting to be sent")
    expect(page.get_by_test_id("offline-status")).to_contain_text("cannot be reached")

    # What the browser keeps is unreadable: only Thrive's private key opens it.
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("thrive-offline-tracker", 1);
            open.onsuccess = () => {
                const all = open.result.transaction("records").objectStore("records").getAll();
                all.onsuccess = () => resolve(JSON.stringify(all.result));
            };
        })"""
    )
    assert "Offline1" not in kept and "typed while Thrive was down" not in kept
    assert thrive.records() == []

    thrive.start()
    expect(page.get_by_test_id("offline-status")).to_contain_text(
        "0 records waiting to be sent", timeout=60000
    )
    sent = thrive.records()
    assert sorted(details for _, details in sent) == [
        f"Visit {n}, typed while Thrive was down." for n in (1, 2, 3)
    ]
    assert len({key for key, _ in sent}) == 3

    # They are in the Downtime tracker as if typed there, each once.
    page.goto(f"{thrive.url}/continuity/tracker/")
    for number in (1, 2, 3):
        expect(page.get_by_role("row", name=f"NEW Offline{number}")).to_have_count(1)
