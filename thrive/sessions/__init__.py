"""Thrive's session engines: Django's database-backed ones, with two additions.

- Each row records whose session it is (Django's documented way of extending the engines):
  ending a person's sessions is one indexed query on UserSession.user, not decoding every
  live session.
- They survive the database primary going away (with a replica configured): sessions are
  read through the router, so from the replica while the primary is down; a change to a
  session meanwhile is kept in the cache (cached_db) or dropped (db: the timestamps it holds
  are refreshed at the next request anyway); a session ended meanwhile (signing out, a
  time-out) is spooled and deleted once the primary is back. In normal running they are
  Django's own.

SESSION_ENGINE is `thrive.sessions.cached_db` with Redis, `thrive.sessions.db` without."""

import logging
from datetime import datetime
from typing import NamedTuple

from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.utils import timezone

from thrive import signatures, spool
from thrive.database import primary_available


class PrimaryDownMixin:
    def save(self, must_create=False):
        if primary_available():
            return super().save(must_create)
        if self.session_key is None:
            self._session_key = self._get_new_session_key()
        self._keep_until_primary_is_back()
        return None

    def _keep_until_primary_is_back(self):
        """Nothing to keep without a cache in front."""

    def delete(self, session_key=None):
        if primary_available():
            return super().delete(session_key)
        key = session_key or self.session_key
        if key is None:
            return None
        self._forget_cached(key)
        spool.session_ended(key)
        return None

    def _forget_cached(self, key):
        """Nothing cached without a cache in front."""


def _session_row(session_key):
    from thrive.models import UserSession

    return UserSession.objects.filter(session_key=session_key)


_SESSION_ROW = None


class SessionRow(NamedTuple):
    """What the engines read of a session's row (no model instance: building one cost more
    than the two values)."""

    session_data: str
    expire_date: datetime


def _session_row_query():
    global _SESSION_ROW
    if _SESSION_ROW is None:
        from thrive.models import UserSession
        from thrive.precompiled import PrecompiledQuery

        fields = [field.attname for field in UserSession._meta.concrete_fields]
        query = PrecompiledQuery(UserSession, _session_row, "\x00no session\x00")
        _SESSION_ROW = query, fields.index("session_data"), fields.index("expire_date")
    return _SESSION_ROW


class OwnerRecorded:
    """Mixed into a database-backed SessionStore: rows go to UserSession, with their owner.
    The row is read with SQL compiled once per process (thrive/precompiled.py); an expired
    row is no session, as in Django's own engine."""

    def _get_session_from_db(self):
        query, data_at, expiry_at = _session_row_query()
        found = query.row(self.session_key) if self.session_key else None
        if found is None or found[1][expiry_at] <= timezone.now():
            self._session_key = None
            return None
        return SessionRow(found[1][data_at], found[1][expiry_at])

    def decode(self, session_data):
        """Django's, the signature checked by a signer made once (thrive/signatures.py)."""
        try:
            return signatures.signer(self.key_salt).unsign_object(
                session_data, serializer=self.serializer
            )
        except signing.BadSignature:
            logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
        except Exception:  # noqa: BLE001, S110 (as Django: ValueError and the like, no session)
            pass
        return {}

    @classmethod
    def get_model_class(cls):
        from thrive.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
