"""The primary dies between two of the watch's probes: a read that finds it gone marks it down
at once and is read again from the replica, so a read never answers 503 while a replica is up.
Only a GET (or HEAD, OPTIONS) that has sent the primary nothing but reads is read again.

As in test_primary_down.py the "replica" is the test database itself: here queries fail while
the watch still takes the primary to be up (they would go to the primary) and succeed once it
has marked it down (the router would send them to the replica). The watch's probe, its one
connection to the primary, answers as the test says."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from thrive import database, spool
from thrive.models import AuditEvent

from ..factories import make_case

CANNOT_SAVE = "Thrive cannot save changes right now"


@pytest.fixture(autouse=True)
def spool_dir(settings, tmp_path):
    settings.AUDIT_SPOOL_DIR = tmp_path / "spool"
    return settings.AUDIT_SPOOL_DIR


class Primary:
    """The primary as Thrive's connections and the watch's probe find it."""

    def __init__(self):
        self.answers_probe = True
        self.fails = None  # None, or which queries fail while the watch takes it to be up
        self.failure = "server closed the connection unexpectedly"

    def probe(self) -> bool:
        return self.answers_probe

    def dies(self, *, after_first_write=False):
        self.answers_probe = False
        self.fails = "after a write" if after_first_write else "every query"

    def comes_back(self):
        self.answers_probe, self.fails = True, None

    def __call__(self, execute, sql, params, many, context):
        wrote = getattr(self, "wrote", False)
        if database.watch.up and (self.fails == "every query" or (self.fails and wrote)):
            raise OperationalError(self.failure)
        self.wrote = wrote or not sql.lstrip().upper().startswith("SELECT")
        return execute(sql, params, many, context)


@pytest.fixture
def primary(monkeypatch):
    primary = Primary()
    monkeypatch.setattr(database, "replica_configured", lambda: True)
    monkeypatch.setattr(database.watch, "_probe", primary.probe)
    monkeypatch.setattr(database.watch, "checked_at", float("inf"))  # no probe on its timer
    with connection.execute_wrapper(primary):
        yield primary
    database.watch.up, database.watch.down_since = True, None


@pytest.fixture
def browser(manager):
    browser = Client(raise_request_exception=False)  # a person sees the answer, not the error
    browser.force_login(manager)
    return browser


@pytest.fixture
def case(service):
    return make_case(service, status="accepted")


def test_a_read_that_finds_the_primary_gone_is_answered_from_the_replica(browser, case, primary):
    primary.dies()

    page = browser.get(f"/cases/{case.thrive_id}/")

    assert page.status_code == 200
    assert case.thrive_id in page.text
    assert CANNOT_SAVE in page.text  # read-only mode from this request on
    assert database.watch.up is False


def test_a_change_is_not_sent_twice(browser, case, primary):
    primary.dies()

    response = browser.post(f"/cases/{case.thrive_id}/edit/", {"reason_for_referral": "x"})

    assert response.status_code == 503
    assert "has not been saved" in response.text


def test_a_view_recorded_before_the_primary_died_is_read_again_and_audited_once(
    browser, case, primary
):
    """The case page records the view (an audit event) before it reads the rest. Read again,
    the event keeps its id: spooled, it is written once whether the first try landed or not."""
    primary.dies(after_first_write=True)

    page = browser.get(f"/cases/{case.thrive_id}/")

    assert page.status_code == 200
    assert case.thrive_id in page.text
    primary.comes_back()
    spool.drain()
    assert AuditEvent.objects.filter(action="viewed", object_id=str(case.pk)).count() == 1


def test_only_audit_events_may_have_been_sent_by_a_request_read_again():
    sent = []

    def statements(*sql):
        writes = database._Writes()
        for statement in sql:
            writes(lambda *args: None, statement, (), False, {})
        sent.append(writes.sent)

    statements("SELECT 1", 'INSERT INTO "thrive_auditevent" ("at") VALUES (%s)', "SAVEPOINT x")
    statements("SELECT 1", 'UPDATE "cases_case" SET "worker_id" = %s')
    statements('INSERT INTO "cases_casenote" ("text") VALUES (%s)')

    assert sent == [False, True, True]


def test_a_failed_query_while_the_primary_answers_is_not_an_outage(browser, case, primary):
    primary.fails, primary.failure = "every query", "canceling statement due to statement timeout"

    page = browser.get(f"/cases/{case.thrive_id}/")

    assert page.status_code == 503  # as before: the primary is up, nothing to fail over to
    assert database.watch.up is True
