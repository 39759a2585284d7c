"""The PostgreSQL primary and its streaming replica (DATABASE_REPLICA_URL).

Each process watches the primary: at most every CHECK_SECONDS, the first request that comes
along runs `SELECT 1` on a small connection of the watch's own (not Django's, so query counts
are untouched), with a short connect and statement timeout. While the primary does not answer:

- reads go to the replica (`ReplicaRouter`), writes are refused by automatic read-only mode
  (continuity), sessions are kept in the cache (`thrive.sessions`) and audit events are spooled
  to disk (`thrive.spool`);
- once it answers again, everything goes back to the primary by itself and the spool is written
  to the audit trail (each event once).

Between the primary dying and the next probe, a read on the primary fails: the request (a GET
or HEAD that has sent the primary nothing but reads) is not answered 503 but probes the primary
at once and, if it is down, is read again from the replica (`PrimaryWatchMiddleware`).

Without a replica nothing is watched: a primary outage is met by the 503 page (thrive.outage).
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connections
from django.dispatch import receiver

from .outage import database_unavailable

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class PrimaryWatch:
    def __init__(self):
        self.up = True
        self.down_since: float | None = None
        self.checked_at = float("-inf")
        self._lock = threading.Lock()
        self._connection = None

    def check(self) -> bool:
        """Whether the primary answers, probing it if the last probe is CHECK_SECONDS old."""
        if not replica_configured():
            return True
        if time.monotonic() - self.checked_at < settings.DATABASE_PRIMARY_CHECK_SECONDS:
            return self.up
        if not self._lock.acquire(blocking=False):
            return self.up  # another thread is probing: go with what is known
        try:
            answered = self._probe()
            self.checked_at = time.monotonic()
            self._changed(answered)
        finally:
            self._lock.release()
        return self.up

    def confirm_down(self) -> bool:
        """A query on the primary has just failed: whether it is down, probing it now rather
        than at the next interval (another thread's probe under way counts as this one)."""
        if not self._lock.acquire(timeout=settings.DATABASE_PRIMARY_CHECK_TIMEOUT + 1):
            return not self.up
        try:
            if self.up:
                answered = self._probe()
                self.checked_at = time.monotonic()
                self._changed(answered)
        finally:
            self._lock.release()
        return not self.up

    def _probe(self) -> bool:
        import psycopg

        try:
            if self._connection is None or self._connection.closed:
                params = connections[PRIMARY].get_connection_params()
                params.pop("cursor_factory", None)
                params.pop("context", None)
                params["connect_timeout"] = settings.DATABASE_PRIMARY_CHECK_TIMEOUT
                params["autocommit"] = True
                params["options"] = (
                    f"-c statement_timeout={settings.DATABASE_PRIMARY_CHECK_TIMEOUT * 1000}"
                )
                self._connection = psycopg.connect(**params)
            self._connection.execute("SELECT 1")
            return True
        except psycopg.Error:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            return False

    def _changed(self, answered: bool) -> None:
        if answered and not self.up:
            log.warning(
                "Database primary answering again after %.1f s: leaving automatic read-only mode",
                time.monotonic() - self.down_since,
            )
            self.up, self.down_since = True, None
            _close_stale_primary_connections()
            from . import spool

            spool.drain()
        elif not answered and self.up:
            log.warning(
                "Database primary not answering: automatic read-only mode, reads from the replica"
            )
            self.up, self.down_since = False, time.monotonic()
            _close_stale_primary_connections()


def _close_stale_primary_connections() -> None:
    """This thread's connection to the primary is broken (or from before the outage)."""
    connection = connections[PRIMARY]
    if connection.connection is not None and not connection.in_atomic_block:
        connection.close()


watch = PrimaryWatch()


def primary_available() -> bool:
    """Whether writes can reach the primary (as of the last probe; no probe here)."""
    return watch.up


class ReplicaRouter:
    """Reads from the replica while the primary is down; everything else from the primary."""

    def db_for_read(self, model, **hints):
        return None if watch.up else REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


@receiver(got_request_exception)
def _remember_unavailable(sender, request=None, **kwargs):
    """An exception in a middleware, answered by Django's handler500 (thrive.outage), or by
    the debug page when DEBUG is on: what it was, for PrimaryWatchMiddleware."""
    error = sys.exc_info()[1]
    if request is not None and error is not None:
        request.unavailable_error = error


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that change nothing on the primary; anything else counts as a write.
READ_STATEMENTS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW")
# An audit event may be sent and still read again: it carries the same event id in the request
# read again (thrive.audit), so the trail holds it once whether the first try landed or not.
AUDIT_INSERT = 'INSERT INTO "THRIVE_AUDITEVENT"'
# Where thrive.audit keeps a request's event ids, and how far through them it is.
AUDIT_IDS = "_audit_event_ids"


class _Writes:
    """An execute wrapper on the primary's connection: has the request sent it a write?"""

    def __init__(self):
        self.sent = False

    def __call__(self, execute, sql, params, many, context):
        if not self.sent:
            statement = str(sql).lstrip().upper()
            if not statement.startswith(READ_STATEMENTS) and not statement.startswith(AUDIT_INSERT):
                self.sent = True  # before executing: a write that failed may still have landed
        return execute(sql, params, many, context)


class PrimaryWatchMiddleware:
    """Near the top of MIDDLEWARE: probes the primary (at most every few seconds) before the
    session, the read-only state or the view reads anything.

    A read that fails on the primary before the probe has noticed it down (answered 503 by
    thrive.outage) is read again from the replica once a probe confirms the primary down: only
    for GET, HEAD and OPTIONS, and only if the request sent the primary no write but audit
    events (the case page records the view before it reads the rest), so nothing is done
    twice: read again, each audit event keeps its id and is spooled, and the spool's drain
    writes it once whether the first try landed or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (watch.check() and replica_configured() and request.method in SAFE_METHODS):
            return self.get_response(request)
        writes = _Writes()
        with connections[PRIMARY].execute_wrapper(writes):
            response = self.get_response(request)
        if (
            response.status_code in (500, 503)
            and database_unavailable(getattr(request, "unavailable_error", None))
            and not writes.sent
            and watch.confirm_down()
        ):
            log.info("Request %s read again from the replica", getattr(request, "request_id", ""))
            del request.unavailable_error
            ids = getattr(request, AUDIT_IDS, None)
            if ids is not None:
                ids.read_again()
            return self.get_response(request)
        return response
