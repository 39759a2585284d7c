"""The database primary is down and a replica is configured: automatic read-only mode, views
still audited (spooled, written once when the primary is back), people stay signed in.

Here the "replica" is the test database itself (no router in the test settings), so these tests
prove what Thrive does while the primary is down; tests/resilience/test_streaming_replica.py
does the same against a real primary and streaming replica."""

import json

import pytest
from django.contrib.sessions.models import Session

from thrive import database, spool
from thrive.models import AuditEvent

from ..factories import make_case

CANNOT_SAVE = "Thrive cannot save changes right now"


@pytest.fixture(autouse=True)
def spool_dir(settings, tmp_path):
    settings.AUDIT_SPOOL_DIR = tmp_path / "spool"
    return settings.AUDIT_SPOOL_DIR


@pytest.fixture
def primary(monkeypatch):
    """Switch the primary off and on as the watch would see it."""

    class Primary:
        def stop(self):
            monkeypatch.setattr(database.watch, "up", False)
            database.watch.down_since = 0.0

        def start(self):
            database.watch._changed(True)

    yield Primary()
    monkeypatch.setattr(database.watch, "up", True)


@pytest.fixture
def case(service):
    return make_case(service, status="accepted")


def spooled(spool_dir):
    return [
        json.loads(line)
        for f in spool_dir.glob("*.jsonl*")
        for line in f.read_text().split("\n")
        if line
    ]


def test_every_page_says_thrive_cannot_save_changes_and_points_to_the_tracker(
    client, manager, primary
):
    client.force_login(manager)
    primary.stop()

    page = client.get("/")

    assert page.status_code == 200
    assert CANNOT_SAVE in page.text
    assert "Downtime tracker" in page.text


def test_a_change_is_refused_with_503_and_the_way_forward(client, manager, case, primary):
    client.force_login(manager)
    primary.stop()

    response = client.post(f"/cases/{case.thrive_id}/edit/", {"reason_for_referral": "x"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Your change has not been saved" in response.text
    assert "back button" in response.text


def test_downtime_records_cannot_be_saved_without_the_primary_either(client, manager, primary):
    client.force_login(manager)
    primary.stop()

    response = client.post("/continuity/records/new/", {})

    assert response.status_code == 503


def test_thrive_returns_to_normal_by_itself_when_the_primary_is_back(client, manager, primary):
    client.force_login(manager)
    primary.stop()
    primary.start()

    page = client.get("/")

    assert CANNOT_SAVE not in page.text


def test_a_view_while_the_primary_is_down_is_spooled_and_written_once_when_it_is_back(
    client, manager, case, primary, spool_dir
):
    client.force_login(manager)
    primary.stop()

    client.get(f"/cases/{case.thrive_id}/")

    assert not AuditEvent.objects.filter(action="viewed").exists()
    [entry] = [e for e in spooled(spool_dir) if e["kind"] == "audit"]
    assert entry["action"] == "viewed" and entry["object_id"] == str(case.pk)

    primary.start()

    [event] = AuditEvent.objects.filter(action="viewed")
    assert (event.user, event.object_id, str(event.event_id)) == (
        manager,
        str(case.pk),
        entry["event_id"],
    )
    assert spooled(spool_dir) == []


def test_writing_the_spool_twice_records_each_event_once(spool_dir, db, primary):
    primary.stop()
    from thrive import audit

    audit.record(None, "viewed", object_type="cases.case", object_id="7")
    [path] = spool_dir.glob("*.jsonl")
    copy = path.read_bytes()

    assert spool.drain() == 1
    path.write_bytes(copy)  # as if a crash had left the file after writing it
    spool.drain()

    assert AuditEvent.objects.filter(object_id="7").count() == 1


def test_a_line_appended_while_a_drain_claims_the_file_is_not_lost(spool_dir):
    spool.session_ended("first")
    [path] = spool_dir.glob("*.jsonl")
    path.rename(path.with_name(path.name + ".draining-x"))  # a drain has claimed it

    spool.session_ended("second")

    assert path.exists()
    assert "second" in path.read_text()


@pytest.mark.parametrize("engine", ["thrive.sessions.db", "thrive.sessions.cached_db"])
def test_signed_in_people_stay_signed_in_across_the_switch_both_ways(
    client, manager, primary, settings, engine, time_machine
):
    settings.SESSION_ENGINE = engine
    time_machine.move_to("2026-12-01 10:00", tick=False)
    client.force_login(manager)
    assert client.get("/").status_code == 200

    primary.stop()
    time_machine.shift(5 * 60)  # long enough for the session's last-seen time to be written
    during = client.get("/")
    primary.start()
    after = client.get("/")

    assert during.status_code == 200 and during.wsgi_request.user == manager
    assert CANNOT_SAVE in during.text
    assert after.status_code == 200 and after.wsgi_request.user == manager


def test_signing_out_while_the_primary_is_down_ends_the_session_once_it_is_back(
    client, manager, primary
):
    client.force_login(manager)
    key = client.session.session_key
    primary.stop()

    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302  # signed out (the cookie is gone)
    primary.start()
    assert not Session.objects.filter(session_key=key).exists()


def test_reads_go_to_the_replica_only_while_the_primary_is_down(primary):
    router = database.ReplicaRouter()

    assert router.db_for_read(AuditEvent) is None
    primary.stop()
    assert router.db_for_read(AuditEvent) == "replica"
    assert router.db_for_write(AuditEvent) == "default"
    assert router.allow_migrate("replica", "thrive") is False


def test_a_spool_directory_that_cannot_be_written_fails_the_deploy_check(
    settings, tmp_path, monkeypatch
):
    from thrive.spool import check_spool_directory

    monkeypatch.setattr(database, "replica_configured", lambda: True)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.AUDIT_SPOOL_DIR = blocker / "spool"

    [warning] = check_spool_directory()

    assert warning.id == "thrive.W001"


def test_signing_in_while_the_primary_is_down_says_thrive_cannot_sign_you_in(client, db, primary):
    primary.stop()

    page = client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "someone", "password": "x"})

    assert page.status_code == 200 and CANNOT_SAVE in page.text
    assert response.status_code == 503
    assert "Thrive cannot sign you in right now" in response.text
