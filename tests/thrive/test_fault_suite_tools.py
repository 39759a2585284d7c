"""The fault suite's own instruments (tests/faults/, run by `make faults`): its SMTP sink counts
an email only once it has accepted it, its form reader sends what a browser would, and a fault
that misses any target fails the run (CI relies on the exit status)."""

import json
import smtplib
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.faults.forms import post_form
from tests.faults.load import Request
from tests.faults.smtp import SmtpSink
from tests.faults.targets import Row, beat_sends, exit_status, once_per_period
from tests.faults.topology import Ports, ephemeral_ports_start, port_free
from tests.ports import free_port

SINK_PORT = free_port()


@pytest.fixture
def sink():
    sink = SmtpSink(port=SINK_PORT)
    sink.start()
    yield sink
    sink.stop()


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_the_sink_keeps_an_email_it_accepted(sink):
    with smtplib.SMTP("127.0.0.1", SINK_PORT, timeout=5) as client:
        client.sendmail(
            "thrive@faults.invalid",
            ["mgr01@demo.thrive.invalid"],
            b"Subject: New referral KT000001\r\n\r\nCase KT000001\r\n.dot line\r\n",
        )

    (message,) = sink.received()
    assert message.to == ("mgr01@demo.thrive.invalid",)
    assert message.subject == "New referral KT000001"
    assert message.body == "Case KT000001\n.dot line"


def test_the_sink_does_not_count_an_email_whose_sender_vanished_before_its_250(sink):
    sink.hold = 0.5
    with socket.create_connection(("127.0.0.1", SINK_PORT), timeout=5) as client:
        replies = client.makefile("rb")
        replies.readline()
        for line in [b"HELO suite", b"MAIL FROM:<a@b.invalid>", b"RCPT TO:<c@d.invalid>"]:
            client.sendall(line + b"\r\n")
            replies.readline()
        client.sendall(b"DATA\r\n")
        replies.readline()
        client.sendall(b"Subject: lost\r\n\r\nbody\r\n.\r\n")
        wait_for(sink.holding.is_set)
        replies.close()
    # the sender is gone (as a worker killed with -9) before the sink said "250"

    wait_for(lambda: sink.aborted == 1)
    assert sink.received() == []


def test_the_form_reader_sends_what_a_browser_would():
    html = """
    <form method="post" action="/logout/"><input name="csrfmiddlewaretoken" value="t"></form>
    <form method="post">
      <input type="hidden" name="version" value="3">
      <select name="service"><option value="">Choose</option><option value="7" selected>A
      </option></select>
      <textarea name="address">
14 Test Street</textarea>
      <input type="radio" name="progressing" value="yes">
      <input type="radio" name="progressing" value="no" checked>
      <input name="locked" value="x" disabled>
      <input type="file" name="files">
    </form>"""

    form = post_form(html, having="version")

    assert form.fields == {
        "version": "3",
        "service": "7",
        "address": "14 Test Street",
        "progressing": "no",
    }
    assert form.choices == {"service": ["", "7"], "progressing": ["yes", "no"]}
    assert form.files == ["files"]


def a_row_that_met_every_target(**changes) -> Row:
    row = Row("Redis stopped 15s", requests=200, emails=(6, 6, 0), recovery=1.2)
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def test_a_run_where_every_fault_met_every_target_exits_zero():
    rows = [a_row_that_met_every_target(), a_row_that_met_every_target(excused=2)]

    assert [row.missed() for row in rows] == [[], []]
    assert exit_status(rows) == 0


@pytest.mark.parametrize(
    ("changes", "missed"),
    [
        ({"errors": 1}, "1 5xx"),
        ({"lost_writes": 2}, "2 acknowledged writes lost"),
        ({"emails": (6, 5, 0)}, "1 emails lost"),
        ({"emails": (6, 6, 1)}, "1 emails duplicated"),
        ({"lost_audit": 1}, "1 audit events lost"),
        ({"recovery": None}, "did not recover by itself"),
        ({"signed_out": 1}, "1 people signed out"),
        ({"died": ["beat1"]}, "beat1 exited and needed a restart"),
        ({"scheduled_once": False}, "scheduled jobs ran twice"),
    ],
)
def test_any_missed_target_fails_the_run(changes, missed):
    rows = [a_row_that_met_every_target(), a_row_that_met_every_target(**changes)]

    assert rows[1].missed() == [missed]
    assert exit_status(rows) == 1


def test_a_run_with_no_fault_at_all_fails():
    assert exit_status([]) == 1


def request(kind="read", status=200, started=10.0, ended=10.2, method="GET"):
    return Request("wkr01", kind, "page", method, "/cases/", started, ended, status)


def test_only_a_killed_servers_in_flight_requests_are_excused():
    row = Row("app server killed (-9)", fault_at=10.0)
    in_flight = request(status=None, started=9.9, ended=10.1)
    later = request(status=502, started=12.0, ended=12.1)

    row.count_answers([request(), in_flight, later], excused=lambda r: r is in_flight)

    assert (row.requests, row.excused, row.errors) == (3, 1, 1)
    assert row.missed() == ["1 5xx", "did not recover by itself"]


def test_while_the_primary_is_down_a_refused_write_is_expected_and_a_refused_read_is_not():
    row = Row("primary stopped 15s")

    row.count_answers(
        [request("write", 503, method="POST"), request("read", 503), request("read", None)]
    )

    assert (row.refused, row.errors) == (1, 2)


def test_a_refused_write_is_an_error_in_any_other_fault():
    row = Row("Redis stopped 15s")

    row.count_answers([request("write", 503, method="POST")])

    assert (row.refused, row.errors) == (0, 1)


def beat_log(*seconds: int) -> str:
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    lines = ["celery beat v5.7.0 is starting."]
    for s in seconds:
        at = (start + timedelta(seconds=s)).isoformat().replace("+00:00", "Z")
        lines.append(
            json.dumps(
                {
                    "event": "Scheduler: Sending due task send-outbox (thrive.tasks.send_outbox)",
                    "timestamp": at,
                }
            )
        )
    return "\n".join(lines)


def test_two_beats_each_sending_the_job_is_scheduling_twice():
    one, other = beat_sends(beat_log(0, 60), "send-outbox"), beat_sends(beat_log(1), "send-outbox")

    assert once_per_period(one, 60)
    assert not once_per_period(one + other, 60)
    assert not once_per_period([], 60)  # never sent: beat did not schedule at all


def test_the_suites_ports_are_free_and_below_the_range_tests_take_theirs_from(monkeypatch):
    monkeypatch.delenv("FAULT_PORT_BASE", raising=False)
    ports = Ports.choose()
    assert ports.base + Ports.SPAN <= ephemeral_ports_start() <= free_port()
    assert all(port_free(ports.base + n) for n in range(Ports.SPAN))

    with socket.socket() as taken:  # another suite's Redis, say
        taken.bind(("127.0.0.1", ports.redis))
        taken.listen()

        assert Ports.choose(start=ports.base).base > ports.base
