"""System administrators may delete a document in the bin for good before its 30 days."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Document
from thrive.models import AuditEvent

from .conftest import checked
from .test_library_services import stored_files


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


@pytest.fixture
def binned(case, worker, manager):
    document = services.upload_document(by=worker, case=case, checked=checked())
    return services.move_to_bin(document, by=manager)


def test_administrators_see_every_services_bin_by_name_only(admin_client, binned):
    page = admin_client.get(reverse("documents:administrators_bin"))

    assert binned.name in page.text
    assert binned.service.name in page.text
    assert reverse("documents:purge", args=[binned.pk]) in page.text


def test_an_administrator_deletes_a_document_for_good_at_once(
    admin_client, admin_user, binned, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("documents:purge", args=[binned.pk]))

    assert response["Location"] == reverse("documents:administrators_bin")
    assert not Document.objects.exists()
    assert stored_files(media) == []
    assert AuditEvent.objects.filter(action="document_purged", user=admin_user).exists()


def test_a_document_not_in_the_bin_cannot_be_purged(admin_client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())

    assert admin_client.post(reverse("documents:purge", args=[document.pk])).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_managers_cannot_delete_for_good(client, manager, binned):
    client.force_login(manager)

    assert client.post(reverse("documents:purge", args=[binned.pk])).status_code == 404
    with pytest.raises(services.DocumentActionRefused):
        services.purge(binned, by=manager)
