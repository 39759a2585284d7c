"""Thrive's own deployment checks (`manage.py check --deploy`), beside Django's.

Each catches a setting that works on one developer's machine and quietly misbehaves in
production: emails that never leave, rate limits multiplied by the number of processes,
background work run inside web requests, links in emails pointing at nobody's machine. They
apply only with DEBUG off; `make check-deploy` runs them with production-like settings.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEVELOPMENT_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "thrive.cache.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
DEFAULT_ID_PREFIX = "KT"


def _in_production() -> bool:
    return not settings.DEBUG


@register(Tags.mail, deploy=True)
def check_email_is_sent(app_configs=None, **kwargs):
    backends = {mailer["BACKEND"] for mailer in settings.MAILERS.values()}
    if not _in_production() or not backends & DEVELOPMENT_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"A development-only email backend ({', '.join(sorted(backends))}) is set: "
            "emails would never reach anyone.",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to the council's "
            "SMTP relay, or EMAIL_BACKEND to a backend that sends.",
            id="thrive.E001",
        )
    ]


@register(Tags.caches, deploy=True)
def check_cache_is_shared(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if not _in_production() or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The cache ({backend}) is kept per process: sign-in rate limits would multiply "
            "by the number of web workers, and a session ended in one would live on in others.",
            hint="Set REDIS_URL to the shared Redis or Valkey.",
            id="thrive.E002",
        )
    ]


@register(deploy=True)
def check_tasks_run_in_a_worker(app_configs=None, **kwargs):
    if not _in_production() or not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        Error(
            "Background tasks run inline (CELERY_TASK_ALWAYS_EAGER): every email and "
            "scheduled job would run inside a web request, and nothing retries.",
            hint="Set REDIS_URL and run a Celery worker and one scheduler; unset "
            "CELERY_TASK_ALWAYS_EAGER.",
            id="thrive.E003",
        )
    ]


@register(deploy=True)
def check_site_url(app_configs=None, **kwargs):
    if not _in_production() or settings.SITE_URL.startswith("https://"):
        return []
    found = settings.SITE_URL or "not set"
    return [
        Error(
            f"SITE_URL is {found}: links in emails must lead to the public address over HTTPS.",
            hint="Set SITE_URL to the address people use, e.g. https://thrive.example.org.",
            id="thrive.E004",
        )
    ]


@register(deploy=True)
def check_virus_scanner(app_configs=None, **kwargs):
    if not _in_production() or settings.CLAMAV_SOCKET or settings.CLAMAV_HOST:
        return []
    return [
        Warning(
            "No virus scanner is configured: uploads are stored unscanned.",
            hint="Run ClamAV's daemon and set CLAMAV_HOST (or CLAMAV_SOCKET).",
            id="thrive.W001",
        )
    ]


@register(deploy=True)
def check_id_prefix(app_configs=None, **kwargs):
    if not _in_production() or settings.THRIVE_ID_PREFIX != DEFAULT_ID_PREFIX:
        return []
    return [
        Warning(
            f"THRIVE_ID_PREFIX is the default ({DEFAULT_ID_PREFIX}): every council's Thrive "
            "IDs would start with the same letters.",
            hint="Set THRIVE_ID_PREFIX to the council's own letters before the first case.",
            id="thrive.W002",
        )
    ]
