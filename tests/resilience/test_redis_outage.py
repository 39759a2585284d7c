"""Redis down: a cache error is a cache miss, pages work on the database alone, one warning is
logged per outage, and what changed meanwhile is not served stale once Redis is back."""

import logging

import pytest
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from tests.ports import free_port
from thrive import cache as tolerant
from thrive.cache import TolerantRedisCache

from .servers import CLOSED_PORT, HAVE_REDIS_SERVER, redis_server

OPTIONS = {
    "socket_connect_timeout": 0.2,
    "socket_timeout": 0.2,
    "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
}
DEAD_REDIS = f"redis://127.0.0.1:{CLOSED_PORT}/3"


def tolerant_cache(location):
    return TolerantRedisCache(location, {"OPTIONS": OPTIONS, "KEY_PREFIX": "resilience"})


@pytest.fixture(autouse=True)
def _fresh_outages(monkeypatch):
    """Each test sees Redis as if the process had just started."""
    monkeypatch.setattr(tolerant, "_outages", {})


@pytest.fixture
def own_redis():
    """A redis-server of our own, and a tolerant cache in front of it."""
    if not HAVE_REDIS_SERVER:
        pytest.skip("needs redis-server")
    with redis_server(free_port()) as server:
        yield server, tolerant_cache(server.url)


@pytest.fixture
def warnings_logged(caplog):
    caplog.set_level(logging.WARNING, logger="thrive.cache")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "thrive.cache"]


def test_with_redis_down_reads_are_misses_and_writes_do_nothing():
    cache = tolerant_cache(DEAD_REDIS)

    cache.set("thrive:current-aup", 3, 60)

    assert cache.get("thrive:current-aup") is None
    assert cache.get("thrive:current-aup", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.delete("a") is False
    assert cache.touch("a") is False
    assert cache.get_or_set("computed", lambda: "from the database") == "from the database"
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_with_redis_down_a_cache_lock_is_granted_so_rate_limits_do_not_wait():
    """allauth's rate limits take a cache lock with add(); refusing it would make every
    sign-in wait a second."""
    assert tolerant_cache(DEAD_REDIS).add("login:lock", True, 10) is True


def test_an_outage_logs_one_warning_not_one_per_request(warnings_logged, monkeypatch):
    cache = tolerant_cache(DEAD_REDIS)
    monkeypatch.setattr(tolerant, "RETRY_SECONDS", 0)  # every call tries Redis again

    for _ in range(20):
        cache.get("thrive:downtime-in-force")

    assert len(warnings_logged()) == 1
    assert "unreachable" in warnings_logged()[0]


def test_after_a_failure_redis_is_not_tried_again_for_a_few_seconds(monkeypatch):
    cache = tolerant_cache(DEAD_REDIS)
    cache.get("first")  # fails and marks the outage
    tried = []
    monkeypatch.setattr(cache._cache, "get", lambda *args: tried.append(args))

    cache.get("second")

    assert tried == []


def test_redis_restarted_between_requests_is_not_an_outage(own_redis, warnings_logged):
    """A pooled connection broken by the restart reconnects at once (one retry)."""
    server, cache = own_redis
    cache.set("key", "before")
    server.stop()
    server.start()

    cache.set("key", "after")

    assert cache.get("key") == "after"
    assert warnings_logged() == []


def test_a_redis_that_stops_answering_is_a_miss_and_recovery_is_logged(own_redis, warnings_logged):
    server, cache = own_redis
    cache.set("key", "cached")
    server.pause()

    assert cache.get("key") is None  # after the 0.2 s socket timeout

    server.resume()
    cache._outage.retry_at = 0  # the retry interval has passed
    assert cache.get("key") == "cached"
    assert len(warnings_logged()) == 2
    assert "answering again" in warnings_logged()[1]


def test_keys_changed_during_an_outage_are_not_served_stale_afterwards(own_redis):
    """Read-only mode started (or a session ended) while Redis was away: the old cached
    value must not come back with Redis."""
    server, cache = own_redis
    cache.set("thrive:downtime-in-force", 0, 60)
    cache.set("thrive:current-aup", 1, 60)
    server.pause()

    cache.delete("thrive:downtime-in-force")
    cache.set("thrive:current-aup", 2, 60)

    server.resume()
    cache._outage.retry_at = 0
    assert cache.get("thrive:downtime-in-force") is None
    assert cache.get("thrive:current-aup") is None


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "thrive.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": OPTIONS,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.mark.usefixtures("redis_down")
class TestPagesWithRedisDown:
    def test_the_sign_in_page_works(self, client, db):
        response = client.get("/accounts/login/")

        assert response.status_code == 200

    def test_signing_in_works_and_the_session_lives_in_the_database(self, client, worker):
        from tests.factories import PASSWORD

        response = client.post("/accounts/login/", {"login": worker.username, "password": PASSWORD})
        assert response.status_code == 302

        home = client.get("/")
        assert home.status_code == 200
        assert worker.username in home.text or home.context["user"] == worker

    def test_signed_in_pages_work(self, client, manager):
        client.force_login(manager)

        for url in (
            "/",
            "/cases/managers-area/",
            "/cases/requiring-action/",
            "/continuity/tracker/",
        ):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
        from django.core.cache import cache

        assert cache._outage.down_since is not None  # Redis really was away throughout

    def test_read_only_mode_started_meanwhile_is_read_from_the_database(
        self, client, manager, admin_user
    ):
        from continuity.readonly import start_read_only

        client.force_login(manager)
        start_read_only(by=admin_user, reason="Upgrade in progress")

        assert "Upgrade in progress" in client.get("/").text

    def test_a_new_acceptable_use_policy_is_read_from_the_database(self, client, worker):
        from thrive.models import AcceptableUsePolicy

        client.force_login(worker)
        assert client.get("/").status_code == 200
        AcceptableUsePolicy.objects.create(version=2, body="Updated policy")

        assert client.get("/")["Location"].startswith("/acceptable-use-policy/")
