"""The email outbox: `queue_email` writes a row inside the caller's transaction and asks
Celery to send it once that transaction commits; `send_pending` (run by the task and by beat
every minute) sends what is due, with retries and backoff."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import OutboxEmail

log = logging.getLogger(__name__)


_held = ContextVar("outbox_held", default="")


@contextmanager
def held(reason: str):
    """Record the emails queued inside the block without sending them (the demo data's
    made-up people have no mailboxes)."""
    token = _held.set(reason)
    try:
        yield
    finally:
        _held.reset(token)


SECRET_REMOVED = "(Removed once sent: this email held a one-time code.)"


def queue_email(
    *, to: list[str] | str, subject: str, body: str, secret: bool = False
) -> OutboxEmail:
    """Queue an email. Call it inside the transaction that makes the change it reports.
    `secret` emails (one-time codes) lose their body as soon as they are sent."""
    recipients = [to] if isinstance(to, str) else list(to)
    if _held.get():
        return OutboxEmail.objects.create(
            to=recipients,
            subject=subject,
            body=SECRET_REMOVED if secret else body,
            secret=secret,
            status=OutboxEmail.Status.FAILED,
            last_error=f"Not sent: {_held.get()}",
        )
    email = OutboxEmail.objects.create(to=recipients, subject=subject, body=body, secret=secret)
    transaction.on_commit(lambda: _ask_worker(email.pk))
    return email


BROKER_RETRY_SECONDS = 5.0
_broker_failed_at: float | None = None


def _ask_worker(pk: int) -> None:
    """Ask a worker to send the email now. With the broker away the row simply waits: beat's
    sweep (send-outbox, every minute) sends it once the broker is back. After one failure the
    process stops asking for BROKER_RETRY_SECONDS, so an outage costs requests nothing."""
    global _broker_failed_at
    from .tasks import send_outbox_email

    if (
        _broker_failed_at is not None
        and time.monotonic() - _broker_failed_at < BROKER_RETRY_SECONDS
    ):
        return
    try:
        # A connection of its own that gives up at once (the shared pool's would retry).
        with send_outbox_email.app.connection_for_write(
            transport_options={"max_retries": 0}
        ) as connection:
            send_outbox_email.apply_async((pk,), retry=False, connection=connection)
    except Exception as error:  # kombu's and redis-py's errors both: the broker is away
        if _broker_failed_at is None:
            log.warning(
                "Could not queue outbox email %s (%s); the periodic sweep will send it",
                pk,
                type(error).__name__,
            )
        _broker_failed_at = time.monotonic()
        return
    if _broker_failed_at is not None:
        log.warning("Broker answering again: outbox emails are queued at once")
        _broker_failed_at = None


def send_one(pk: int) -> bool:
    """Send one pending email if it is due. Safe to call twice: the row is locked and marked
    sent in the same transaction, so a second caller finds nothing to do."""
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        try:
            EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=email.to,
            ).send()
        except Exception as error:
            email.attempts += 1
            email.last_error = str(error)[:500]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
                log.error("Outbox email %s failed %s times: %s", pk, email.attempts, error)
            else:
                email.next_attempt_at = timezone.now() + timedelta(minutes=2**email.attempts)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        if email.secret:
            email.body = SECRET_REMOVED
        email.save(update_fields=["status", "sent_at", "attempts", "body"])
        return True


def send_pending(limit: int = 200) -> int:
    """Send every pending email that is due; returns how many went out."""
    due = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(send_one(pk) for pk in list(due))
