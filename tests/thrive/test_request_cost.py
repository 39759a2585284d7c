"""The fixed cost of a signed-in request: the session and the person with their roles, in one
query each, before the page's own work."""

from django.urls import reverse

from thrive.models import Role

from ..factories import person, session_queries


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
