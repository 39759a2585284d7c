"""The per-account sign-in lock: SIGN_IN_LOCK_ATTEMPTS (5) wrong passwords or codes for one
account within SIGN_IN_LOCK_MINUTES (15) lock it until the oldest of them is that old.

Wrong passwords (on either sign-in page), wrong authenticator-app codes and wrong emailed
codes all count, keyed on the account's normalised username alone, so neither another
client address nor another `Host` header gives a fresh count. The count lives in the
database (FailedSignIn rows), not the cache: a cache restart or `cache.clear()` unlocks
nobody, and a cache that does not answer does not stop the lock working.

Each try is written before the password or code is checked, and taken back if it was right
(the pattern allauth uses for its own limits): of many guesses sent at once, no more than the
limit are ever checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import FailedSignIn, normalise_username

LOCKED_MESSAGE = (
    "Too many failed attempts to sign in. "
    f"Wait {settings.SIGN_IN_LOCK_MINUTES} minutes and try again."
)


def key_for(login: str) -> str:
    """The count's key: the normalised username (or, for an address with no account, the
    address as typed, lower-cased)."""
    return normalise_username(login)[: FailedSignIn._meta.get_field("key").max_length]


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)


def _recent(key: str, now: datetime):
    return FailedSignIn.objects.filter(key=key, at__gt=_window_start(now))


def locked_until(key: str, now: datetime | None = None) -> datetime | None:
    """When the lock on `key` ends, or None if it is not locked."""
    now = now or timezone.now()
    times = list(
        _recent(key, now)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.SIGN_IN_LOCK_ATTEMPTS]
    )
    if len(times) < settings.SIGN_IN_LOCK_ATTEMPTS:
        return None
    return times[-1] + timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)


def is_locked(login: str) -> bool:
    return locked_until(key_for(login)) is not None


@dataclass
class Attempt:
    """A try that has been counted; `succeeded()` takes it back."""

    row_id: int

    def succeeded(self) -> None:
        FailedSignIn.objects.filter(pk=self.row_id).delete()


class _NotCounted:
    def succeeded(self) -> None:
        pass


NOT_COUNTED = _NotCounted()  # for a try that has no account behind it to lock


def begin(login: str) -> Attempt | None:
    """Count a try at `login` before checking it. None (nothing counted) if the account is
    locked: refuse the try without checking the password or code."""
    key = key_for(login)
    now = timezone.now()
    row = FailedSignIn.objects.create(key=key, at=now)
    # Counted after the insert: whatever the interleaving, the try that makes the count pass
    # the limit sees it, so guesses sent at the same moment cannot all slip through.
    if _recent(key, now).count() > settings.SIGN_IN_LOCK_ATTEMPTS:
        row.delete()
        return None
    return Attempt(row.pk)


def purge(now: datetime | None = None) -> int:
    """Tries older than the window no longer count: remove them."""
    deleted, _ = FailedSignIn.objects.filter(at__lte=_window_start(now or timezone.now())).delete()
    return deleted
