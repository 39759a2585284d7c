"""Structured logs (structlog, django-structlog) and optional error reporting (sentry-sdk).

Imported by the settings, so nothing here may touch Django's settings or models. Every log
line, from structlog or from the standard library, carries the time, level and logger, and
whatever is bound for the request or task in hand (request_id, task_id).
"""

from typing import Literal

import structlog
from django.core.exceptions import ImproperlyConfigured

FORMATS = ("console", "json")

# Run on every record, structlog's own and the standard library's ("foreign").
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _formatter(renderer) -> dict:
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED_PROCESSORS,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    }


def logging_config(*, format: Literal["console", "json"], level: str) -> dict:
    """Django's LOGGING: one handler on standard error, in the chosen format."""
    if format not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": _formatter(structlog.processors.JSONRenderer()),
            "console": _formatter(structlog.dev.ConsoleRenderer(colors=False)),
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": format}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (plain text to the console when DEBUG) give way to ours.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.filter_by_level,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def scrub_event(event: dict, hint: dict) -> dict:
    """Sentry's before_send: drop what could carry a child's name or a secret even with
    send_default_pii off (query strings, cookies, bodies)."""
    request = event.get("request")
    if request:
        for key in ("query_string", "cookies", "data"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
    return event


def start_error_reporting(*, dsn: str, environment: str) -> None:
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
    )
