"""A part Thrive cannot do without is down (the database with no replica to read from, or a
cache or broker failure that could not be absorbed): the answer is 503 with Retry-After and a
page that says what was and was not saved and gives the request reference (X-Request-ID) to
quote, never a bare 500.

`server_error` is Django's handler500, so it also catches failures in middleware (loading the
session, the read-only state); `OutageMiddleware` catches them in views, where Django would
show its debug page instead when DEBUG is on. The page is rendered from a template alone, with
no context processor, because those read the database.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerError)


def part_unavailable(error: BaseException | None, errors=None) -> bool:
    """Whether the error (or one it was raised from) says a part is unreachable (one of
    `errors`, unless told: the database, Redis or the broker)."""
    errors = errors or _unavailable_errors()
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, errors):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(error: BaseException | None) -> bool:
    return part_unavailable(error, (OperationalError, InterfaceError))


def unavailable_response(request, error: BaseException) -> HttpResponse:
    # thrive.database reads this: a read that found the primary gone is read again.
    request.unavailable_error = error
    html = loader.get_template("503.html").render(
        {"request_id": getattr(request, "request_id", ""), "method": request.method}
    )
    return HttpResponse(html, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def server_error(request) -> HttpResponse:
    error = sys.exc_info()[1]
    if part_unavailable(error):
        return unavailable_response(request, error)
    return HttpResponseServerError(loader.get_template("500.html").render())


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if part_unavailable(exception):
            log.error(
                "Request %s answered 503: %s: %s",
                getattr(request, "request_id", ""),
                type(exception).__name__,
                exception,
            )
            return unavailable_response(request, exception)
        return None
