import pytest
from django.core.cache import cache

from thrive.models import Role

from .factories import ServiceFactory, WorkGroupFactory, person

# The fault suite is a script run by `make faults` (docs/resilience-faults.md), not tests.
collect_ignore = ["faults"]


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="Run the tests as if today were this date (from 23:30 UTC, when the UK date can "
        "differ from UTC's, the clock ticking). A test that fails only so depends on today's "
        "date: make it fix its own clock or compute its dates from today.",
    )


def pytest_configure(config):
    today = config.getoption("--today", default=None)
    if today:
        import time_machine

        traveller = time_machine.travel(f"{today} 23:30:00+00:00", tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache: start every test with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service(db):
    return ServiceFactory()


@pytest.fixture
def work_group(db):
    return WorkGroupFactory()


@pytest.fixture
def manager(service):
    return person(Role.SERVICE_MANAGER, service=service)


@pytest.fixture
def worker(service):
    return person(Role.SERVICE_WORKER, service=service)


@pytest.fixture
def admin_user(db):
    return person(Role.SYSTEM_ADMIN)


@pytest.fixture
def verified_client(client):
    """A client whose second factor counts as verified, for roles that need one."""

    def sign_in(user):
        client.force_login(user)
        if user.has_role(Role.SYSTEM_ADMIN):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _force_login_includes_the_emailed_code(request, monkeypatch):
    """`force_login` stands for the whole sign-in, which for health partner people includes
    the emailed code (tests/portal/test_sign_in.py walks the real journey). Mark a test
    `emailed_code_pending` to stop at the code instead."""
    if request.node.get_closest_marker("emailed_code_pending"):
        return
    from django.conf import settings
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from portal.people.accounts import SESSION_PORTAL_PERSON, is_portal_person
        from portal.people.codes import device_for
        from thrive.models import Membership

        session = self.session
        # What signing in works out and keeps in the session (portal/people/accounts.py).
        session[SESSION_PORTAL_PERSON] = portal_person = is_portal_person(user)
        if (
            portal_person
            and not Membership.objects.filter(
                user=user, role__in=settings.SECOND_FACTOR_ROLES
            ).exists()
        ):
            session["otp_device_id"] = device_for(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _celery_runs_tasks_inline():
    """Unit tests run tasks in-process; tests/thrive/test_celery_worker.py uses a real worker."""
    from thrive.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _signed_in_person_read_every_request(settings):
    """Query counts are pinned per request: the person is read on every one, as with
    SIGNED_IN_PERSON_CACHE_SECONDS=0 (tests/thrive/test_signed_in_person_cache.py turns the
    cache on). Ids are reused after each test's rollback, so nothing kept may outlive it."""
    from thrive import auth

    settings.SIGNED_IN_PERSON_CACHE_SECONDS = 0
    auth._recent.clear()
    yield
    auth._recent.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many accounts; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nine_am():
    """The clock fixed at 09:00 on 1 December 2026 (shift it with `nine_am.shift(...)`)."""
    from datetime import UTC, datetime

    import time_machine

    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def media(settings, tmp_path):
    """Default storage in a fresh folder; returns the folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


# Rows that data migrations create; a transactional test's flush removes them.
DATA_MIGRATIONS = [
    ("thrive.migrations.0002_acceptable_use_policy_v1", "publish_first_policy"),
    ("cases.migrations.0002_reference_lists", "add_lists"),
]


def restore_data_migrations():
    """Put back what the data migrations made (each is idempotent), so every live-server
    test starts from the same reference data whatever ran before it."""
    import importlib

    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))) or (
        marker is not None and bool(marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, real worker, health probes) ends by emptying every
    table, the data migrations' rows included (the first Acceptable Use Policy, the reference
    lists): once all its fixtures are torn down (an outage it faked included), put them back so
    the tests after it start from the same reference data."""
    yield
    if nextitem is None or not _flushes_the_database(item):
        return  # after the last test the test databases are already gone
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all():
            connection.close()  # a test that broke its connection on purpose left it unusable
        restore_data_migrations()
