"""Health endpoints for load balancers and orchestrators, answered before any other middleware.

- `/health/live/`: the process answers. Touches nothing (no database, cache or session), so a
  Redis or PostgreSQL outage never gets a healthy server restarted.
- `/health/ready/`: each part reported (database, replica, cache, storage, broker) as JSON.
  It answers 503 only when this server can reach no database at all (neither the primary nor
  the replica); a cache, broker or storage failure alone is reported but keeps the server in
  service, because Thrive absorbs it, and failing readiness for a part every server shares
  would take every server out of the load balancer at once.

A load balancer probes by IP address, with a Host header that is in no ALLOWED_HOSTS. These two
paths (exactly, GET or HEAD) are answered without reading the Host header, the session or any
cookie, and their answers hold no data: that is what makes answering them for any Host safe.
The checks are django-health-check's; readiness runs them concurrently, each with a timeout.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.checks import Cache, Database, Storage
from health_check.contrib.redis import Redis

log = logging.getLogger(__name__)

LIVE_PATH = "/health/live/"
READY_PATH = "/health/ready/"
CHECK_SECONDS = 2


@dataclasses.dataclass
class QuickDatabase(Database):
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)


def _broker_client():
    from redis.asyncio import Redis as RedisClient

    return RedisClient.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=CHECK_SECONDS,
    )


def readiness_checks() -> dict:
    """The checks readiness runs, by the name it reports them under."""
    checks = {"database": QuickDatabase(alias="default")}
    if "replica" in settings.DATABASES:
        checks["database_replica"] = QuickDatabase(alias="replica")
    checks["cache"] = Cache(alias="default")
    checks["storage"] = Storage(alias="default")
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        checks["broker"] = Redis(client_factory=_broker_client)
    return checks


async def _run(checks: dict) -> dict:
    import asyncio

    results = await asyncio.gather(*(check.get_result() for check in checks.values()))
    return dict(zip(checks, results, strict=True))


def readiness_report() -> tuple[bool, dict[str, str]]:
    results = async_to_sync(_run)(readiness_checks())
    report = {}
    for name, result in results.items():
        report[name] = "ok" if result.error is None else "unavailable"
        if result.error is not None:
            log.warning("Readiness: %s unavailable (%s)", name, result.error)
    databases = [report[name] for name in ("database", "database_replica") if name in report]
    return "ok" in databases, report


def live(request) -> HttpResponse:
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def ready(request) -> HttpResponse:
    is_ready, report = readiness_report()
    response = JsonResponse(
        {"status": "ready" if is_ready else "unavailable", "checks": report},
        status=200 if is_ready else 503,
    )
    add_never_cache_headers(response)
    return response


class HealthProbeMiddleware:
    """First in MIDDLEWARE: answers the two probe paths before Host validation, the HTTPS
    redirect, sessions and the sign-in gates."""

    PROBES = {LIVE_PATH: live, READY_PATH: ready}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
