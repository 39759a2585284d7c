"""Read-only mode: a system administrator starts it before work on Thrive (an upgrade, a
restore) and ends it afterwards. While it is in force every page says so, every change is
refused with a clear message, and health partners see the portal holding page. Downtime
records are the exception: they are how staff keep recording meanwhile."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from thrive import audit
from thrive.database import primary_available

from .models import Downtime

CACHE_KEY = "thrive:downtime-in-force"
CACHE_SECONDS = 30
NOT_IN_FORCE = 0  # what is cached when no downtime is in force (None means "not cached")


def allowed_in_read_only(view):
    """Marks a view whose changes are still accepted in read-only mode."""
    view.allowed_in_read_only = True
    return view


# Automatic read-only mode: the database primary does not answer (thrive/database.py), so
# nothing can be saved, downtime records included. Never saved itself.
AUTOMATIC_REASON = (
    "Thrive cannot save changes right now. You can still look at everything; "
    "it will take changes again by itself as soon as it can."
)
AUTOMATIC_RETRY_AFTER_SECONDS = 30


def automatic_downtime() -> Downtime:
    downtime = Downtime(reason=AUTOMATIC_REASON, close_portal=False)
    downtime.automatic = True
    return downtime


def downtime_in_force() -> Downtime | None:
    """The downtime in force, if any. Read on every request, so cached briefly; starting or
    ending one clears the cache, so with Redis every process knows at once."""
    if not primary_available():
        return automatic_downtime()
    cached = cache.get(CACHE_KEY)
    if cached is None:
        downtime = Downtime.objects.filter(in_force=True).first()
        cache.set(CACHE_KEY, downtime or NOT_IN_FORCE, CACHE_SECONDS)
        return downtime
    return cached or None


class AlreadyInForce(Exception):
    pass


class NotInForce(Exception):
    pass


def start_read_only(
    *, by, reason, expected_back=None, close_portal=True, portal_contacts="", request=None
) -> Downtime:
    with transaction.atomic():
        if Downtime.objects.select_for_update().filter(in_force=True).exists():
            raise AlreadyInForce("Read-only mode is already on.")
        downtime = Downtime.objects.create(
            started_by=by,
            reason=reason,
            expected_back=expected_back,
            close_portal=close_portal,
            portal_contacts=portal_contacts,
        )
        audit.record(request, "read_only_started", downtime, user=by, note=reason)
        # After the commit (so no request caches the old state meanwhile), and at once too,
        # for callers inside a transaction that has not committed yet (tests, the demo).
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    cache.delete(CACHE_KEY)
    return downtime


def end_read_only(*, by, request=None) -> Downtime:
    with transaction.atomic():
        downtime = Downtime.objects.select_for_update().filter(in_force=True).first()
        if downtime is None:
            raise NotInForce("Read-only mode is not on.")
        downtime.in_force = None
        downtime.ended_at = timezone.now()
        downtime.ended_by = by
        downtime.save(update_fields=["in_force", "ended_at", "ended_by"])
        audit.record(request, "read_only_ended", downtime, user=by)
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    cache.delete(CACHE_KEY)
    return downtime
