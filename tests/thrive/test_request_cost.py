"""The fixed cost of a signed-in request: the session and the person with their roles, in one
query each, before the page's own work."""

from unittest import mock

import pytest
from django.db import DataError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thrive.auth import _PERSON
from thrive.models import Role

from ..factories import ServiceFactory, person, session_queries


def test_a_signed_in_page_loads_the_person_and_their_roles_in_one_query(
    client, service, django_assert_num_queries
):
    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)
    client.get(reverse("session_status"))  # the read-only mode lookup, cached from here

    # The session (unless it is cached) and the person with every membership's role and scope.
    with django_assert_num_queries(session_queries() + 1):
        response = client.get(reverse("session_status"))

    assert response.status_code == 200
    assert response.wsgi_request.user.has_role(Role.SERVICE_MANAGER)
    assert response.wsgi_request.user.service_ids(Role.SERVICE_MANAGER) == [service.pk]


def test_a_person_signed_in_here_moments_ago_is_not_read_again(
    client, service, settings, django_assert_num_queries
):
    settings.SIGNED_IN_PERSON_CACHE_SECONDS = 60
    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)
    client.get(reverse("session_status"))  # reads the person (and the read-only mode)

    # The session only: the person and their roles are the ones this process read just now.
    with django_assert_num_queries(session_queries()):
        response = client.get(reverse("session_status"))

    assert response.wsgi_request.user.service_ids(Role.SERVICE_MANAGER) == [service.pk]


def test_a_change_of_roles_is_seen_at_the_next_request(client, service, settings):
    settings.SIGNED_IN_PERSON_CACHE_SECONDS = 60
    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)
    client.get(reverse("session_status"))

    manager.memberships.all().delete()
    response = client.get(reverse("session_status"))

    assert not response.wsgi_request.user.has_role(Role.SERVICE_MANAGER)


def test_a_suspended_person_is_signed_out_at_the_next_request_whatever_is_cached(
    client, service, settings
):
    from selfservice.services import end_sessions

    settings.SIGNED_IN_PERSON_CACHE_SECONDS = 60
    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)
    client.get(reverse("session_status"))

    end_sessions(manager)
    response = client.get(reverse("session_status"))

    assert not response.wsgi_request.user.is_authenticated


def test_the_person_is_read_again_once_the_cached_row_is_older_than_the_setting(
    client, service, settings, django_assert_num_queries, time_machine
):
    settings.SIGNED_IN_PERSON_CACHE_SECONDS = 2
    time_machine.move_to("2026-06-01 09:00:00+00:00", tick=False)
    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)
    client.get(reverse("session_status"))

    time_machine.move_to("2026-06-01 09:00:03+00:00", tick=False)
    with django_assert_num_queries(session_queries() + 1):
        client.get(reverse("session_status"))


@pytest.fixture
def kept_connection(transactional_db):
    """Django's connection as a request finds one it kept (CONN_MAX_AGE) with CONN_HEALTH_CHECKS
    on: open, outside any transaction, not yet checked in this request."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("the health check is PostgreSQL's (SQLite's connections are always usable)")
    connection.ensure_connection()
    enabled = connection.health_check_enabled
    connection.health_check_enabled, connection.health_check_done = True, False
    yield connection
    connection.health_check_enabled = enabled


def test_the_first_query_of_a_request_is_the_connection_health_check(kept_connection):
    manager = person(Role.SERVICE_MANAGER, service=ServiceFactory())
    kept_connection.health_check_done = False

    with mock.patch.object(type(kept_connection), "is_usable") as is_usable:
        assert _PERSON.get(manager.pk) == manager

    is_usable.assert_not_called()  # no `SELECT 1` before it
    assert kept_connection.health_check_done


def test_a_connection_that_died_since_the_last_request_is_replaced_and_the_query_answered(
    kept_connection,
):
    manager = person(Role.SERVICE_MANAGER, service=ServiceFactory())
    kept_connection.health_check_done = False
    kept_connection.connection.close()  # as a PostgreSQL restart leaves it

    assert _PERSON.get(manager.pk) == manager
    assert kept_connection.is_usable()


def test_an_error_of_the_query_itself_is_not_retried(kept_connection):
    from thrive.models import User
    from thrive.precompiled import PrecompiledQuery

    broken = PrecompiledQuery(User, lambda key: User.objects.filter(pk=key).extra(where=["1/0=1"]))
    kept_connection.health_check_done = False

    with pytest.raises(DataError), CaptureQueriesContext(kept_connection) as queries:
        broken.get(1)
    assert len(queries) == 1


def test_views_get_the_person_itself_not_lazy_wrappers(client, service):
    from thrive.models import User

    manager = person(Role.SERVICE_MANAGER, service=service)
    client.force_login(manager)

    response = client.get(reverse("session_status"))

    user = response.wsgi_request.user
    assert type(user) is User  # neither OTP's nor the authentication middleware's wrapper
    assert user == manager
    assert user.is_verified() is False  # what OTP's middleware set on the person
