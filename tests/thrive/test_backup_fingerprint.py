"""The fingerprint the restore drill compares (manage.py backup_fingerprint) changes when a row
or a stored file is not back as it was, and only then."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from thrive.management.commands.backup_fingerprint import fingerprint
from thrive.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path  # Django rebuilds default_storage when STORAGES changes


def test_the_same_rows_and_files_give_the_same_fingerprint(media):
    default_storage.save("case-documents/2026/12/a", ContentFile(b"letter"))
    AuditEvent.objects.create(action="viewed", note="case")

    assert fingerprint() == fingerprint()
    assert fingerprint()["tables"]["thrive.AuditEvent"]["rows"] == 1
    assert list(fingerprint()["files"]) == ["case-documents/2026/12/a"]


def test_a_changed_file_or_a_missing_row_changes_the_fingerprint(media):
    default_storage.save("case-documents/2026/12/a", ContentFile(b"letter"))
    AuditEvent.objects.create(action="viewed", note="case")
    before = fingerprint()

    (media / "case-documents/2026/12/a").write_bytes(b"lettex")
    assert fingerprint()["files"] != before["files"]
    assert fingerprint()["tables"] == before["tables"]

    AuditEvent.objects.create(action="viewed", note="another")
    assert fingerprint()["tables"]["thrive.AuditEvent"] != before["tables"]["thrive.AuditEvent"]


def test_installed_packages_tables_are_left_out():
    labels = set(fingerprint()["tables"])

    assert "thrive.AuditEvent" in labels
    assert not {label for label in labels if label.startswith(("auth.", "sessions.", "otp"))}
