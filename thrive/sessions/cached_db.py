from django.contrib.sessions.backends import cached_db

from . import PrimaryDownMixin


class SessionStore(PrimaryDownMixin, cached_db.SessionStore):
    def _keep_until_primary_is_back(self):
        self._cache.set(self.cache_key, self._get_session(no_load=False), self.get_expiry_age())

    def _forget_cached(self, key):
        self._cache.delete(self.cache_key_prefix + key)
