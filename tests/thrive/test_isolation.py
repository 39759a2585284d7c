import pytest
from django.urls import reverse

from thrive.models import Role

from ..isolation import (
    NOT_OBJECT_URLS,
    OBJECT_URLS,
    home_and_other_worlds,
    parameterised_url_names,
)


def test_every_object_url_is_covered_by_the_isolation_harness():
    uncovered = parameterised_url_names() - set(OBJECT_URLS) - set(NOT_OBJECT_URLS)
    assert not uncovered, (
        f"Add these URL names to tests/isolation.py OBJECT_URLS (or NOT_OBJECT_URLS with a "
        f"reason): {sorted(uncovered)}"
    )


@pytest.fixture
def worlds(db):
    return home_and_other_worlds()


CASES = [
    (url_name, role)
    for url_name, spec in sorted(OBJECT_URLS.items())
    for role in Role
    if role not in spec.sees_other_tenants
]


@pytest.mark.parametrize(("url_name", "role"), CASES)
def test_other_tenants_objects_answer_404(verified_client, worlds, url_name, role):
    home, other = worlds
    url = reverse(url_name, kwargs=OBJECT_URLS[url_name].kwargs(other))
    client = verified_client(home.people[role])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_signed_out_visitors_are_sent_to_sign_in(client, worlds, url_name):
    _, other = worlds
    url = reverse(url_name, kwargs=OBJECT_URLS[url_name].kwargs(other))

    response = client.get(url)

    assert response.status_code == 302
    # Health partner pages send people to the portal's own sign-in, the rest to Thrive's.
    assert response["Location"].startswith((reverse("account_login"), reverse("portal:sign_in")))


def test_the_harness_does_see_own_tenant_objects(client, worlds):
    """Guards the harness itself: the same URLs answer 200 for the tenant's own people."""
    home, _ = worlds
    client.force_login(home.people[Role.SERVICE_WORKER])

    assert client.get(reverse("service_detail", args=[home.service.pk])).status_code == 200
    client.force_login(home.people[Role.CLINICIAN])
    assert client.get(reverse("work_group_detail", args=[home.work_group.pk])).status_code == 200
