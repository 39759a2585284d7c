"""Celery beat's scheduler: celery-redbeat (the schedule and a single-active lock in Redis), made
to ride out a Redis outage instead of exiting.

redbeat as shipped takes its lock once, blocking, when beat starts (a `beat_init` handler), and
lets any Redis error escape `tick()`, which ends the beat process: a Redis restart stops every
scheduled job until someone restarts beat. This scheduler instead:

- takes the lock in `tick()`, without blocking: a beat that does not hold it stands by and
  tries again every `beat_max_loop_interval`, so however many beats run, one schedules;
- treats a Redis (or broker) connection error anywhere in a tick as an outage: it logs one
  warning, sends nothing, and tries again after the same interval; one more warning says when
  Redis answers again;
- gives up the lock when it finds it no longer holds it (it expired during the outage, or a
  Redis without persistence came back empty), stands by, and takes it again if no other beat
  did; whoever takes the lock puts the fixed schedule back into Redis first (a Redis that came
  back empty has lost it), keeping each job's last run where Redis still has it.

`CELERY_BEAT_SCHEDULER` names it when `REDIS_URL` is set (`-S thrive.beat.TolerantRedBeatScheduler`
says the same); tests/resilience/test_single_beat.py stops and starts a Redis under running beats.
"""

from __future__ import annotations

import logging
import time

from celery.beat import Scheduler
from celery.signals import beat_init
from redbeat.schedulers import (
    LUA_EXTEND_TO_SCRIPT,
    RedBeatScheduler,
    acquire_distributed_beat_lock,
    get_redis,
)
from redbeat.schedulers import logger as redbeat_log
from redis.exceptions import LockNotOwnedError

from .outage import part_unavailable

log = logging.getLogger(__name__)

# redbeat's own handler would take the lock at start, blocking, and a Redis error there leaves
# the scheduler without one; this scheduler takes it in tick() instead.
beat_init.disconnect(acquire_distributed_beat_lock)


class TolerantRedBeatScheduler(RedBeatScheduler):
    _outage_since: float | None = None
    _installed = False  # the fixed schedule is in Redis as of our holding the lock
    _standing_by = False

    def setup_schedule(self):
        """At start: install the schedule if Redis answers; the tick that takes the lock
        installs it again in any case."""
        try:
            super().setup_schedule()
        except Exception as error:
            if not part_unavailable(error):
                raise
            self._unavailable(error)

    def tick(self, min=min, **kwargs):
        try:
            if self.lock_key and self.lock is None and not self._take_lock():
                interval = self.max_interval  # another beat schedules
            else:
                if not self._installed:
                    super().setup_schedule()
                    self._installed = True
                interval = super().tick(min=min, **kwargs)
        except LockNotOwnedError:
            log.warning("beat: the lock is no longer ours (it expired, or Redis restarted empty)")
            self.lock, self._installed = None, False
            interval = 0.1  # take it again at once if no other beat has
        except Exception as error:
            if not part_unavailable(error):
                raise
            self._unavailable(error)
            return self.max_interval
        self._answering()
        return interval

    def _take_lock(self) -> bool:
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        # redbeat's extend sets the timeout rather than adding to what is left.
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        if not lock.acquire(blocking=False):
            if not self._standing_by:
                redbeat_log.info("beat: Another beat holds the lock; standing by")
                self._standing_by = True
            return False
        redbeat_log.info("beat: Acquired lock")
        self.lock, self._installed, self._standing_by = lock, False, False
        return True

    def maybe_due(self, entry, **kwargs):
        """redbeat's, except that an outage while sending reaches tick() rather than being
        logged as a message error on every due entry."""
        is_due, next_time_to_run = entry.is_due()
        if is_due:
            redbeat_log.info("Scheduler: Sending due task %s (%s)", entry.name, entry.task)
            try:
                self.apply_async(entry, **kwargs)
            except Exception as error:
                if part_unavailable(error):
                    raise
                redbeat_log.exception("Scheduler: Message Error: %s", error)
        return next_time_to_run

    def close(self):
        try:
            super().close()
        except Exception as error:
            if not part_unavailable(error):
                raise
            self.lock = None  # it expires by itself within the lock timeout
            Scheduler.close(self)

    def _unavailable(self, error: BaseException) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.warning(
                "beat: Redis unavailable (%s: %s): sending no scheduled job until it answers, "
                "trying again every %s s",
                type(error).__name__,
                error,
                self.max_interval,
            )

    def _answering(self) -> None:
        if self._outage_since is not None:
            log.warning(
                "beat: Redis answering again after %.1f s",
                time.monotonic() - self._outage_since,
            )
            self._outage_since = None
