"""Search returns only what the person may see: never another tenant's case, task or
downtime record, whoever searches."""

import pytest
from django.urls import reverse

from thrive.models import Role

from ..isolation import home_and_other_worlds


@pytest.fixture
def worlds(db):
    return home_and_other_worlds()


def results(client, user, q):
    client.force_login(user)
    response = client.post(reverse("search"), {"q": q})
    if response.status_code != 200:  # no search for this role (404), or a second factor first
        return set()
    return {
        (section["searcher"].kind, obj.pk)
        for section in response.context["sections"]
        for obj in section["page"].object_list
    }


@pytest.mark.parametrize("role", list(Role))
def test_no_role_ever_finds_another_tenants_rows(client, worlds, role):
    home, other = worlds
    foreign = {("cases", other.case.pk), ("tasks", other.task.pk), ("records", other.record.pk)}
    user = home.people[role]

    for q in ("Claire Marshall", "Diane Bluebell", "Smith", other.case.thrive_id, "27/03/2015"):
        assert not results(client, user, q) & foreign, q


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.SERVICE_MANAGER, "cases"),
        (Role.EHPS_OFFICER, "cases"),
        (Role.SEND_OFFICER, "tasks"),
        (Role.TRAY_ADMIN, "tasks"),
        (Role.CLINICIAN, "tasks"),
        (Role.SERVICE_WORKER, "records"),
    ],
)
def test_each_role_finds_its_own_tenants_rows(client, worlds, role, kind):
    home, _ = worlds
    own = {"cases": home.case.pk, "tasks": home.task.pk, "records": home.record.pk}[kind]
    q = {"cases": "Claire Marshall", "tasks": "Diane Bluebel", "records": "Smyth"}[kind]

    assert (kind, own) in results(client, home.people[role], q)
