"""Thrive's own deployment checks: each refuses (or warns about) one setting with DEBUG off,
and stays quiet for the setting a real deployment uses, and in development."""

import pytest
from django.core.checks.registry import registry

SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"}}


@pytest.fixture
def production(settings):
    """Settings as a real deployment sets them: every Thrive check passes."""
    settings.DEBUG = False
    settings.MAILERS = SMTP
    settings.CACHES = REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SITE_URL = "https://thrive.example.org"
    settings.CLAMAV_HOST = "clamav"
    settings.CLAMAV_SOCKET = ""
    settings.THRIVE_ID_PREFIX = "EX"
    return settings


def thrive_findings():
    """What Thrive's own registered checks (thrive/checks.py) find, by id."""
    checks = [
        check
        for check in registry.get_checks(include_deployment_checks=True)
        if check.__module__ == "thrive.checks"
    ]
    assert len(checks) == 6
    return {message.id: message for check in checks for message in check(None)}


def test_a_production_configuration_passes_every_thrive_check(production):
    assert thrive_findings() == {}


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_production_refuses_console_and_in_memory_email(production, backend):
    production.MAILERS = {"default": {"BACKEND": backend, "OPTIONS": {}}}

    finding = thrive_findings()["thrive.E001"]

    assert finding.is_serious()
    assert "development-only email backend" in finding.msg


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "thrive.cache.LocMemCache",  # the default without REDIS_URL
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_production_refuses_a_per_process_cache(production, backend):
    production.CACHES = {"default": {"BACKEND": backend}}

    assert thrive_findings()["thrive.E002"].is_serious()


def test_production_refuses_tasks_run_inline(production):
    production.CELERY_TASK_ALWAYS_EAGER = True

    assert thrive_findings()["thrive.E003"].is_serious()


@pytest.mark.parametrize("site_url", ["", "http://thrive.example.org"])
def test_production_refuses_a_missing_or_plain_http_site_url(production, site_url):
    production.SITE_URL = site_url

    assert thrive_findings()["thrive.E004"].is_serious()


def test_production_without_a_virus_scanner_is_warned(production):
    production.CLAMAV_HOST = ""

    finding = thrive_findings()["thrive.W001"]

    assert not finding.is_serious()


def test_a_unix_socket_counts_as_a_virus_scanner(production):
    production.CLAMAV_HOST = ""
    production.CLAMAV_SOCKET = "/run/clamav/clamd.ctl"

    assert "thrive.W001" not in thrive_findings()


def test_the_default_thrive_id_prefix_is_warned(production):
    production.THRIVE_ID_PREFIX = "KT"

    assert not thrive_findings()["thrive.W002"].is_serious()


def test_development_settings_raise_none_of_thrive_checks(production):
    production.DEBUG = True
    production.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    }
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    production.CELERY_TASK_ALWAYS_EAGER = True
    production.SITE_URL = "http://127.0.0.1:8000"
    production.CLAMAV_HOST = ""
    production.THRIVE_ID_PREFIX = "KT"

    assert thrive_findings() == {}
