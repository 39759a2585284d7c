"""The fault suite's own instruments (tests/faults/, run by `make faults`): its SMTP sink counts
an email only once it has accepted it, and its form reader sends what a browser would."""

import smtplib
import socket
import time

import pytest

from tests.faults.forms import post_form
from tests.faults.smtp import SmtpSink
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
