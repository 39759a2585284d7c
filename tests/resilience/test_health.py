"""Health endpoints: liveness touches nothing, readiness reports each part, both answer a
load balancer that probes by IP address."""

import json

import pytest
from django.db import connections

from .servers import CLOSED_PORT


def probe(client, path, **extra):
    """GET in a thread of its own: django-health-check runs its checks through async_to_sync,
    which refuses a thread with a running event loop, as the test process's main thread has
    once the browser tests (Playwright) ran in it. Load balancers call from plain threads."""
    from concurrent.futures import ThreadPoolExecutor

    def get():
        try:
            return client.get(path, **extra)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(get).result()


LIVE = "/health/live/"
READY = "/health/ready/"


def test_liveness_answers_without_touching_the_database_or_cache(client, settings, caplog):
    """No `db` fixture: pytest-django refuses any database access in this test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "thrive.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/3",
        }
    }

    response = client.get(LIVE)

    assert response.status_code == 200
    assert response.text == "ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert not [r for r in caplog.records if r.name == "thrive.cache"]


def test_liveness_answers_a_probe_by_ip_address_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["thrive.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(LIVE, HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200


def test_other_pages_still_refuse_a_host_not_allowed(client, settings, db):
    settings.ALLOWED_HOSTS = ["thrive.example.org"]

    response = client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 400


def test_only_the_exact_probe_paths_skip_the_host_check(client, settings, db):
    settings.ALLOWED_HOSTS = ["thrive.example.org"]

    assert client.get("/health/live/x", HTTP_HOST="10.1.2.3").status_code == 400
    assert client.post(LIVE, HTTP_HOST="10.1.2.3").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_each_part(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    settings.ALLOWED_HOSTS = ["thrive.example.org"]

    response = probe(client, READY, HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    body = json.loads(response.text)
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert list(tmp_path.rglob("*.txt")) == []  # the probe file is removed


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_a_cache_and_broker_outage_but_stays_ready(client, settings):
    """Thrive absorbs them: a shared part's outage must not take every server out of the
    load balancer."""
    dead = f"redis://127.0.0.1:{CLOSED_PORT}/3"
    settings.CACHES = {"default": {"BACKEND": "thrive.cache.TolerantRedisCache", "LOCATION": dead}}
    settings.CELERY_BROKER_URL = dead

    response = probe(client, READY)

    body = json.loads(response.text)
    assert response.status_code == 200
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["broker"] == "unavailable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_readiness_fails_when_no_database_answers(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connections["default"].Database.OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "get_new_connection", refuse)

    response = probe(client, READY)

    assert response.status_code == 503
    assert json.loads(response.text)["checks"]["database"] == "unavailable"
