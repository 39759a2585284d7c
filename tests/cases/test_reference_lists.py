import pytest
from django.urls import reverse

from cases.models import KeyReason, Outcome
from thrive.models import AuditEvent


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


def test_administrators_add_a_key_reason_offered_on_cases(admin_client):
    response = admin_client.post(
        reverse("cases:reference_list", args=["key-reasons"]),
        {"name": "  Bereavement ", "position": 20, "active": "on"},
    )

    assert response.status_code == 302
    assert KeyReason.objects.get(name="Bereavement").active
    assert AuditEvent.objects.filter(action="reference_list_changed").exists()


def test_retiring_an_outcome_keeps_it_but_stops_offering_it(admin_client):
    outcome = Outcome.objects.first()

    admin_client.post(
        reverse("cases:reference_item", args=["outcomes", outcome.pk]),
        {"name": outcome.name, "position": outcome.position},
    )

    outcome.refresh_from_db()
    assert not outcome.active


def test_a_duplicate_name_is_refused_at_the_field(admin_client):
    page = admin_client.post(
        reverse("cases:reference_list", args=["key-reasons"]),
        {"name": "parenting", "position": 1, "active": "on"},
    )

    assert "is already in the list" in page.text


def test_only_administrators_reach_the_lists(client, manager):
    client.force_login(manager)

    assert client.get(reverse("cases:reference_list", args=["key-reasons"])).status_code == 404
