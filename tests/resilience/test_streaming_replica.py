"""A real PostgreSQL primary and streaming replica (pg_basebackup -R) on ports of our own, and
Thrive under gunicorn in front of them: stopping the primary switches Thrive to automatic
read-only mode within seconds, pages are read from the replica, changes are refused with 503,
the signed-in person stays signed in, and once the primary is back Thrive returns to normal by
itself and the views audited meanwhile are in the audit trail, each once.

Skipped where the PostgreSQL server binaries (or root, which pg_createcluster needs) are
missing; CI on this machine has both."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ports import free_port

from .servers import HAVE_POSTGRES_SERVER, StreamingReplica, port_open, wait_until

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(not HAVE_POSTGRES_SERVER, reason="needs PostgreSQL server binaries"),
]

ROOT = Path(__file__).resolve().parents[2]
WEB_PORT = free_port()
BASE = f"http://127.0.0.1:{WEB_PORT}"
# A second server whose watch probes the primary only once in ten minutes: whatever it does
# when the primary dies, its timer has nothing to do with it.
SLOW_PROBE_PORT = free_port()
CANNOT_SAVE = "Thrive cannot save changes right now"

SETUP = """
from django.test import Client
from tests.factories import ServiceFactory, make_case, person
from thrive.models import Role
service = ServiceFactory()
manager = person(Role.SERVICE_MANAGER, service=service, username="replica-manager")
case = make_case(service, status="accepted")
client = Client()
client.force_login(manager)
print(case.thrive_id, case.pk, client.cookies["sessionid"].value)
"""


def gunicorn(port, env):
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "thrive.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: port_open(port), timeout=60, what="gunicorn")
    return server


def environment(pg, spool):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    return env | {
        "DATABASE_URL": pg.url(pg.primary),
        "DATABASE_REPLICA_URL": pg.url(pg.replica),
        "DATABASE_PRIMARY_CHECK_SECONDS": "0.5",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "AUDIT_SPOOL_DIR": str(spool),
        "DEBUG": "true",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "thrive.settings",
    }


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    pg = StreamingReplica(free_port(), free_port())
    servers = []
    try:
        pg.build()
        pg.psql(pg.primary, "CREATE DATABASE thrive_resilience")
        env = environment(pg, tmp_path_factory.mktemp("spool"))
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
        )  # noqa: S603
        made = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        thrive_id, case_pk, session = made.stdout.split()[-3:]
        servers = [
            gunicorn(WEB_PORT, env),
            gunicorn(SLOW_PROBE_PORT, env | {"DATABASE_PRIMARY_CHECK_SECONDS": "600"}),
        ]
        yield pg, thrive_id, case_pk, session
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        pg.drop()


class Browser:
    def __init__(self, session, base=BASE):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Cookie", f"sessionid={session}")]
        self.session = session

    def open(self, path, data=None):
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("Cookie", f"sessionid={self.session}; csrftoken={csrf}")
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        return self.open(path)

    def post_form(self, path, fields):
        _, _, page = self.get("/")  # the sign-out form in the header carries a token
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.open(path, body)


def viewed_count(pg, case_pk):
    return int(
        pg.psql(
            pg.primary,
            "SELECT count(*) FROM thrive_auditevent"
            f" WHERE action='viewed' AND object_id='{case_pk}'",
            database="thrive_resilience",
        )
    )


def test_primary_outage_read_only_from_the_replica_and_back_by_itself(topology):
    pg, thrive_id, case_pk, session = topology
    browser = Browser(session)
    status, _, page = browser.get(f"/cases/{thrive_id}/")
    assert status == 200 and CANNOT_SAVE not in page
    assert viewed_count(pg, case_pk) == 1

    pg.stop(pg.primary)
    stopped = time.monotonic()
    wait_until(lambda: CANNOT_SAVE in browser.get("/")[2], timeout=30, what="read-only mode")
    noticed = time.monotonic() - stopped

    status, _, page = browser.get(f"/cases/{thrive_id}/")  # from the replica, still signed in
    assert status == 200 and thrive_id in page
    status, headers, page = browser.post_form(
        f"/cases/{thrive_id}/edit/", {"reason_for_referral": "Changed while down"}
    )
    assert status == 503 and headers["Retry-After"] == "30"
    assert "Your change has not been saved" in page

    pg.start(pg.primary)
    started = time.monotonic()
    wait_until(lambda: CANNOT_SAVE not in browser.get("/")[2], timeout=60, what="normal running")
    recovered = time.monotonic() - started

    assert browser.get(f"/cases/{thrive_id}/")[0] == 200  # still signed in
    wait_until(lambda: viewed_count(pg, case_pk) >= 3, what="the spooled view in the trail")
    assert viewed_count(pg, case_pk) == 3  # before, during (spooled, once), after
    print(
        f"\nprimary stop noticed in {noticed:.1f} s; back to normal {recovered:.1f} s after start"
    )


def test_the_first_read_after_the_primary_dies_is_answered_from_the_replica(topology):
    """Before any probe has noticed: the read fails on the primary, a probe confirms it down
    and the page is read again from the replica, never a 503."""
    pg, thrive_id, case_pk, session = topology
    browser = Browser(session, base=f"http://127.0.0.1:{SLOW_PROBE_PORT}")
    status, _, page = browser.get(f"/cases/{thrive_id}/")
    assert status == 200 and CANNOT_SAVE not in page  # its watch probed: up, for ten minutes

    pg.stop(pg.primary)
    try:
        status, _, page = browser.get(f"/cases/{thrive_id}/")
    finally:
        pg.start(pg.primary)

    assert status == 200 and thrive_id in page
    assert CANNOT_SAVE in page  # and read-only mode from then on
