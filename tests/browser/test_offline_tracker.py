"""The offline tracker in a browser, against a real Thrive process that is stopped and
started again: records of every kind kept while it is down are sent once it is back, each
exactly once, and arrive as their kind, ready to apply. And the offline tracker is an
installable app (Chromium's own installability check) that works with the network off."""

import os
import re
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

from .conftest import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, ROOT, check_accessibility
from .test_case_journey import sign_in

PORT = free_port()
CREATE_WORKER = """
from tests.factories import ServiceFactory, make_case, person
from thrive.models import Role
service = ServiceFactory(name="Family Matters Ashford")
worker = person(Role.SERVICE_WORKER, service=service, username="wkr01", full_name="Will Kerr")
worker.set_password({password!r})
worker.save()
make_case(service, status="open", progressing="yes", worker=worker, thrive_id="KT000001")
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
                "SELECT client_key, kind, details FROM continuity_downtimerecord ORDER BY id"
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


def keep_record(page, number, waiting=1):
    page.get_by_label("Other work (free text)").check()
    page.get_by_label("Thrive ID or NEW").fill("NEW")
    page.get_by_label("Child surname").fill(f"Offline{number}")
    page.get_by_label("What was done").fill(f"Visit {number}, typed while Thrive was down.")
    keep(page, waiting)


def keep(page, waiting):
    """Keep the record typed; `waiting` records are then waiting to be sent."""
    page.get_by_role("button", name="Keep this record").click()
    text = "1 record waiting" if waiting == 1 else f"{waiting} records waiting"
    expect(page.get_by_test_id("offline-status")).to_contain_text(text)


def keep_a_contact(page, waiting):
    page.get_by_label("Case note or contact").check()
    page.get_by_label("Thrive ID or NEW").fill("kt000001")
    page.get_by_label("Kind of contact or note").select_option(label="Phone call")
    page.get_by_label("Who was involved (optional)").fill("Mum")
    page.get_by_label("What happened").fill("Rang mum from the car park: no signal inside.")
    keep(page, waiting)
    expect(page.get_by_label("What happened")).to_have_value("")


def keep_a_first_contact_date(page, waiting):
    page.get_by_label("Change to case information").check()
    page.get_by_label("Thrive ID or NEW").fill("KT000001")
    page.get_by_label("Case information to change").select_option(
        label="Date of first contact with family"
    )
    page.get_by_label("New date").fill("2026-11-20")
    keep(page, waiting)


def keep_a_new_family(page, waiting):
    page.get_by_label("New family (NEW)").check()
    page.get_by_label("Family second name(s)").fill("Finch")
    page.get_by_label("Main child first name").fill("Robin")
    page.get_by_label("Main child second name").fill("Finch")
    page.get_by_label("Main child date of birth").fill("2020-05-04")
    page.get_by_label("Address", exact=True).fill("2 Mill Lane, Ashford")
    page.get_by_label("Postcode").fill("TN23 4BB")
    page.get_by_label("Notifier").fill("School nurse")
    page.get_by_label("Reason for referral").fill("Parenting support")
    keep(page, waiting)


def test_records_kept_while_thrive_is_down_are_sent_once_when_it_is_back(thrive, page):
    sign_in(page, thrive, "wkr01")
    page.goto(f"{thrive.url}/continuity/offline/")
    # Installed: the service worker controls the page and the page is in its cache.
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    wait_until(page, "() => caches.match('/continuity/offline/').then(Boolean)")

    thrive.stop()
    page.reload()  # served by the service worker: Thrive is not answering
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline Downtime tracker")
    expect(page.get_by_test_id("not-offline")).to_contain_text("A document or photo cannot")
    keep_record(page, 1)
    keep_a_contact(page, 2)
    keep_a_first_contact_date(page, 3)
    keep_a_new_family(page, 4)
    expect(page.get_by_test_id("offline-status")).to_contain_text("4 records waiting to be sent")
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
    assert "Finch" not in kept and "car park" not in kept
    assert thrive.records() == []

    thrive.start()
    expect(page.get_by_test_id("offline-status")).to_contain_text(
        "0 records waiting to be sent", timeout=60000
    )
    sent = thrive.records()
    assert sorted((kind, details) for _, kind, details in sent) == [
        ("case_change", "Date of first contact with family: 20-Nov-2026"),
        ("free_text", "Visit 1, typed while Thrive was down."),
        ("new_family", "New family Finch: Parenting support"),
        ("note", "Phone call with Mum: Rang mum from the car park: no signal inside."),
    ]
    assert len({key for key, _, _ in sent}) == 4

    # They are in the Downtime tracker as if typed there, each once, as their kind.
    page.goto(f"{thrive.url}/continuity/tracker/")
    expect(page.get_by_role("row", name="NEW Offline1")).to_have_count(1)
    expect(page.get_by_role("row", name="KT000001")).to_have_count(2)
    expect(page.get_by_role("row", name="NEW Finch")).to_have_count(1)
    # A structured one is ready to apply with one button.
    page.get_by_role("row", name=re.compile("Contact with family or notifier")).get_by_role(
        "link", name=re.compile("open the downtime record")
    ).click()
    page.get_by_role("button", name="Apply to Thrive").click()
    page.wait_for_url(re.compile(r"/apply/$"))
    page.get_by_role("button", name="Apply to Thrive").click()
    expect(page.get_by_text("The phone call is on case KT000001")).to_be_visible()


@pytest.fixture
def profile_page(browser_type, browser_type_launch_args, tmp_path):
    """A page in a browser profile of its own: Chromium offers to install apps from a
    profile, never from an incognito context (Playwright's usual one)."""
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    yield page
    context.close()


def test_the_offline_tracker_is_an_installable_app_that_works_offline(live_server, profile_page):
    from tests.factories import ServiceFactory, person
    from thrive.models import Role

    page = profile_page
    service = ServiceFactory()
    person(Role.SERVICE_WORKER, service=service, full_name="Will Kerr")
    manager = person(Role.SERVICE_MANAGER, service=service, username="mgr09")
    manager.set_password(settings.DEMO_PASSWORD)
    manager.save()
    sign_in(page, live_server, "mgr09")
    page.goto(f"{live_server.url}/continuity/offline/")
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    wait_until(page, "() => caches.match('/continuity/offline/').then(Boolean)")

    # Chromium's own check: manifest, icons, a service worker with a fetch handler that
    # controls the start page.
    devtools = page.context.new_cdp_session(page)
    assert devtools.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/continuity/offline/manifest.webmanifest")

    # With the network off, the page comes from the service worker and keeps records.
    page.context.set_offline(True)
    reloaded = page.reload()
    assert reloaded.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline Downtime tracker")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    kinds = ["Case note or contact", "Change to case information", "New family (NEW)"]
    for kind in [*kinds, "Decision on a referral or worker allocated"]:
        page.get_by_label(kind).check()
        check_accessibility(page)
    keep_record(page, 1)
    assert errors == []
    expect(page.get_by_test_id("offline-status")).to_contain_text("1 record waiting to be sent")

    # Back online, it is sent.
    page.context.set_offline(False)
    expect(page.get_by_test_id("offline-status")).to_contain_text(
        "0 records waiting to be sent", timeout=60000
    )
    from continuity.models import DowntimeRecord

    assert DowntimeRecord.objects.get().child_surname == "Offline1"
