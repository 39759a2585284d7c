from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from thrive import outbox
from thrive.models import OutboxEmail
from thrive.tasks import purge_sent_outbox, send_outbox


def test_email_is_sent_once_the_change_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_email(to="a@example.org", subject="New case", body="KT000123")

    assert [m.subject for m in mail.outbox] == ["New case"]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_a_rolled_back_change_sends_nothing(db, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        outbox.queue_email(to="a@example.org", subject="New case", body="x")
        raise Boom

    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()


def test_sending_twice_sends_once(db):
    email = outbox.queue_email(to="a@example.org", subject="Once", body="x")

    outbox.send_one(email.pk)
    outbox.send_one(email.pk)

    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_later_with_backoff(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.thrive.failing_email.Backend"}}
    email = outbox.queue_email(to="a@example.org", subject="Retry", body="x")

    outbox.send_one(email.pk)

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert email.next_attempt_at > timezone.now() + timedelta(minutes=1)
    assert "mail server down" in email.last_error


def test_gives_up_after_the_maximum_attempts(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.thrive.failing_email.Backend"}}
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = outbox.queue_email(to="a@example.org", subject="Retry", body="x")

    outbox.send_one(email.pk)
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    outbox.send_one(email.pk)

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED


def test_the_periodic_sweep_sends_what_the_broker_missed(db):
    OutboxEmail.objects.create(to=["a@example.org"], subject="Missed", body="x")
    OutboxEmail.objects.create(
        to=["b@example.org"],
        subject="Not yet",
        body="x",
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )

    assert send_outbox() == 1
    assert [m.subject for m in mail.outbox] == ["Missed"]


def test_sent_emails_are_purged_after_90_days(db):
    old = OutboxEmail.objects.create(
        to=["a@example.org"],
        subject="Old",
        body="x",
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now() - timedelta(days=91),
    )

    assert purge_sent_outbox() == 1
    assert not OutboxEmail.objects.filter(pk=old.pk).exists()


def test_the_beat_schedule_sends_the_outbox_every_minute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["send-outbox"]

    assert schedule["task"] == "thrive.tasks.send_outbox"
    assert schedule["schedule"] == timedelta(minutes=1)


def test_held_emails_are_recorded_but_never_sent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), outbox.held("demo data"):
        email = outbox.queue_email(to="a@example.org", subject="Demo", body="x")

    assert mail.outbox == []
    assert send_outbox() == 0
    assert email.last_error == "Not sent: demo data"


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after the send runs, nothing commits."""


def test_an_email_sent_again_after_the_worker_was_killed_carries_the_same_message_id(
    db, monkeypatch
):
    email = outbox.queue_email(to="a@example.org", subject="Decision", body="x")
    save = OutboxEmail.save

    def killed_after_sending(self, *args, **kwargs):
        monkeypatch.setattr(OutboxEmail, "save", save)
        raise WorkerKilled

    monkeypatch.setattr(OutboxEmail, "save", killed_after_sending)
    with pytest.raises(WorkerKilled):
        outbox.send_one(email.pk)
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING

    outbox.send_one(email.pk)

    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == again.message()["Message-ID"]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_each_email_has_a_message_id_of_its_own(db):
    for subject in ("One", "Two"):
        outbox.send_one(outbox.queue_email(to="a@example.org", subject=subject, body="x").pk)

    one, two = (m.message()["Message-ID"] for m in mail.outbox)
    assert one != two
    assert one.startswith("<outbox.") and one.endswith("@127.0.0.1>")
