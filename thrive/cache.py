"""Django's Redis cache, made to degrade: when Redis cannot be reached the cache holds nothing.

Every read is a miss, every write a no-op, so callers fall back to the database as they do on
any miss. The first failure logs one warning for the outage; for the next RETRY_SECONDS the
process does not even try Redis (a dead Redis costs nothing), then one request tries again.
Keys written or deleted while Redis was away are deleted when it answers again, so nothing
read afterwards is older than the database (a session ended, read-only mode started, a new
Acceptable Use Policy): each process remembers the keys it could not write.

`add` answers True while Redis is away: allauth's rate limits take a cache lock with it and
would otherwise wait a second on every sign-in. Nothing in Thrive relies on a cache lock for
correctness (the portal's edit lock and the sign-in locks are rows in the database).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends import locmem
from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH, memcached_error_chars_re
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
MAX_REMEMBERED_KEYS = 10_000


class _Outage:
    """One Redis server's state as this process sees it (shared by every thread)."""

    def __init__(self, location: str):
        self.location = location
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.missed: set[tuple[str, int | None]] = set()
        self.overflowed = False

    def skipping(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            if self.down_since is None:
                self.down_since = now
                log.warning(
                    "Redis cache unreachable (%s): serving without the cache until it answers",
                    type(error).__name__,
                )
            self.retry_at = now + RETRY_SECONDS

    def remember(self, keys, version) -> None:
        with self.lock:
            for key in keys:
                if len(self.missed) >= MAX_REMEMBERED_KEYS:
                    self.overflowed = True
                    return
                self.missed.add((key, version))

    def recovered(self) -> set[tuple[str, int | None]] | None:
        """The keys to delete now that Redis answers, or None if it never went away."""
        if self.down_since is None:  # the normal case: no lock taken
            return None
        with self.lock:
            if self.down_since is None:
                return None
            log.warning(
                "Redis cache answering again after %.1f s", time.monotonic() - self.down_since
            )
            if self.overflowed:
                log.warning(
                    "More than %s cache keys changed during the outage; entries cached before "
                    "it may be stale until they expire",
                    MAX_REMEMBERED_KEYS,
                )
            missed, self.missed, self.overflowed = self.missed, set(), False
            self.down_since = None
            return missed


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage(location))


class KeysCheckedQuickly:
    """Django's check of each key against memcached's limits (a warning, never an error),
    without making a generator for a key that passes: every request reads two keys (the
    Acceptable Use Policy and read-only mode)."""

    def validate_key(self, key):
        if len(key) <= MEMCACHE_MAX_KEY_LENGTH and not memcached_error_chars_re.search(key):
            return
        super().validate_key(key)


class LocMemCache(KeysCheckedQuickly, locmem.LocMemCache):
    """Django's local-memory cache (no REDIS_URL: development and tests), keys checked as above."""


class TolerantRedisCache(KeysCheckedQuickly, RedisCache):
    """RedisCache whose connection errors are cache misses (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._outage = outage_for(",".join(self._servers))

    def _call(self, miss, keys, version, operation, *args):
        """Run operation(*args) on Redis, or answer `miss` while it is away. `keys` are the
        keys the operation changes (remembered while Redis is away), or () for a read."""
        outage = self._outage
        if outage.skipping():
            if keys:
                outage.remember(keys, version)
            return miss
        try:
            result = operation(*args)
        except RedisError as error:
            outage.failed(error)
            if keys:
                outage.remember(keys, version)
            return miss
        missed = outage.recovered()
        if missed:
            self._forget(missed)
        return result

    def _forget(self, missed) -> None:
        try:
            for key, version in missed:
                self._cache.delete(self.make_and_validate_key(key, version=version))
        except RedisError as error:
            self._outage.failed(error)
            self._outage.remember([key for key, _ in missed], None)

    def get(self, key, default=None, version=None):
        return self._call(default, (), version, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, (), version, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, (), version, super().has_key, key, version)

    def add(self, key, value, timeout=None, version=None):
        return self._call(True, [key], version, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        self._call(None, [key], version, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        keys = list(data)
        return self._call(keys, keys, version, super().set_many, data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call(False, (), version, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, [key], version, super().delete, key, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._call(None, keys, version, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(_MISSING, [key], version, super().incr, key, delta, version)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (Redis cache unreachable)")
        return result

    def clear(self):
        self._call(None, (), None, super().clear)


_MISSING = object()
