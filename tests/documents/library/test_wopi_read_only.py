"""Editing in the browser while Thrive is read-only (continuity/): the editor opens documents
for reading only, and a save or lock it tries gets a WOPI answer it understands (503 with
X-WOPI-ServerError), never Thrive's HTML refusal page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from continuity import readonly
from documents import services
from documents.models import DocumentLock
from tests.ports import free_port
from thrive import database

from .conftest import checked
from .test_wopi import saved
from .wopi_editor import HOST_URL, StandInDiscovery, editor_for


@pytest.fixture
def document(case, worker):
    return services.upload_document(by=worker, case=case, checked=checked("Visit notes.docx"))


@pytest.fixture
def read_only(admin_user):
    return readonly.start_read_only(by=admin_user, reason="Upgrade")


@pytest.fixture
def primary_down(monkeypatch, settings, tmp_path):
    """Automatic read-only mode: the database primary does not answer."""
    settings.AUDIT_SPOOL_DIR = tmp_path / "spool"
    monkeypatch.setattr(database.watch, "up", False)
    database.watch.down_since = 0.0
    yield
    monkeypatch.setattr(database.watch, "up", True)


def refused_to_the_editor(response) -> bool:
    return (
        response.status_code == 503
        and "cannot save" in response["X-WOPI-ServerError"]
        and b"<html" not in response.content.lower()
    )


def test_read_only_mode_opens_documents_for_reading_only(document, worker, read_only):
    facts = editor_for(document, worker).check_file_info().json()

    assert facts["ReadOnly"] is True
    assert facts["UserCanWrite"] is False


def test_a_save_in_read_only_mode_is_refused_in_wopi_terms(document, worker, admin_user, nine_am):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    readonly.start_read_only(
        by=admin_user, reason="Upgrade", expected_back=timezone.now() + timedelta(hours=1)
    )

    response = editor.put(saved(1), "session-1")

    assert refused_to_the_editor(response)
    assert response["Retry-After"] == "3600"
    assert document.versions.count() == 1


@pytest.mark.parametrize("operation", ["lock", "refresh", "unlock"])
def test_lock_changes_in_read_only_mode_are_refused_in_wopi_terms(
    document, worker, admin_user, operation
):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    readonly.start_read_only(by=admin_user, reason="Upgrade")

    response = getattr(editor, operation)("session-1")

    assert refused_to_the_editor(response)
    assert DocumentLock.objects.get().lock_id == "session-1"


def test_reading_still_works_in_read_only_mode(document, worker, admin_user):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    readonly.start_read_only(by=admin_user, reason="Upgrade")

    assert editor.get_lock()["X-WOPI-Lock"] == "session-1"
    assert editor.get_file().status_code == 200


def test_once_read_only_mode_ends_the_editor_saves_again(document, worker, admin_user):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    readonly.start_read_only(by=admin_user, reason="Upgrade")
    assert editor.put(saved(1), "session-1").status_code == 503

    readonly.end_read_only(by=admin_user)

    assert editor.put(saved(1), "session-1").status_code == 200
    assert document.versions.count() == 2


def test_with_the_primary_down_the_editor_opens_read_only_and_cannot_save(
    document, worker, primary_down
):
    editor = editor_for(document, worker)

    assert editor.check_file_info().json()["ReadOnly"] is True
    response = editor.put(saved(1), "session-1")
    assert refused_to_the_editor(response)
    assert response["Retry-After"] == str(readonly.AUTOMATIC_RETRY_AFTER_SECONDS)
    assert refused_to_the_editor(editor.lock("session-1"))


def test_the_host_page_says_the_document_opens_for_reading_only(
    client, settings, document, worker, read_only
):
    stand_in = StandInDiscovery(free_port())
    settings.WOPI_EDITOR_URL = stand_in.url
    settings.WOPI_HOST_URL = HOST_URL
    client.force_login(worker)
    try:
        page = client.get(reverse("documents:edit_in_browser", args=[document.pk]))
    finally:
        stand_in.close()

    assert "opens for reading only" in page.content.decode()
