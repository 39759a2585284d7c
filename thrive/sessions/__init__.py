"""Session engines that survive the database primary going away (with a replica configured):
sessions are read through the router, so from the replica while the primary is down; a change
to a session meanwhile is kept in the cache (cached_db) or dropped (db: the timestamps it holds
are refreshed at the next request anyway); a session ended meanwhile (signing out, a time-out)
is spooled and deleted once the primary is back. In normal running they are Django's own.

SESSION_ENGINE is `thrive.sessions.cached_db` with Redis, `thrive.sessions.db` without."""

from thrive import spool
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
