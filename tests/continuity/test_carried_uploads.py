"""Nothing chosen is lost in read-only mode: Upload documents, the library's Upload Document
and Upload new version offer "Record this in your Downtime tracker" with the case chosen,
and the file chosen is kept with the record (checked as every upload is) until it is applied
to the case's library: a new version of the document, for Upload new version."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from continuity import applying, readonly
from continuity.models import DowntimeAttachment, DowntimeRecord, RecordKind
from documents import services as documents
from documents.models import Document
from documents.uploads import check_upload
from thrive.models import AuditEvent, Role

from ..documents.corpus import png
from ..factories import person
from .conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen_clock", "media")

ADD = reverse("continuity:record_add_kind", args=["attachment"])


@pytest.fixture
def read_only(db):
    return readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")


def photo(name="bedroom.png", content=None):
    return SimpleUploadedFile(name, content or png(), "image/png")


def end(read_only):
    readonly.end_read_only(by=read_only.started_by)


def test_upload_documents_in_read_only_mode_keeps_the_file_with_a_record(
    client, team, case, read_only
):
    client.force_login(team.worker)

    page = client.get(reverse("documents:upload_to_case", args=[case.thrive_id]))
    assert f'action="{ADD}?case={case.thrive_id}"' in page.text
    assert 'name="work-file"' in page.text and 'name="carried" value="1"' in page.text
    assert "Record this in your Downtime tracker" in page.text
    response = client.post(
        f"{ADD}?case={case.thrive_id}", {"work-file": photo(), "work-title": "", "carried": "1"}
    )

    record = DowntimeRecord.objects.get()
    assert response.url == reverse("continuity:record", args=[record.pk])
    assert record.kind == RecordKind.ATTACHMENT and record.case == case
    assert record.values == {"title": "bedroom"}  # the file's name, as an upload would
    assert record.recorded_at == NOW and not record.restricted
    assert record.attachment.original_name == "bedroom.png"
    assert not Document.objects.exists()


def test_a_file_the_upload_checks_refuse_is_not_kept(client, team, case, read_only, media):
    client.force_login(team.worker)

    page = client.post(
        f"{ADD}?case={case.thrive_id}",
        {"work-file": photo("letter.png", b"just text, not a picture"), "carried": "1"},
    )

    assert page.status_code == 200 and page.context["work"].errors["file"]
    assert not DowntimeRecord.objects.exists()
    assert not list(media.rglob("*.*"))


def test_the_librarys_upload_document_takes_the_thrive_id_typed(client, team, case, read_only):
    client.force_login(team.worker)

    page = client.get(reverse("documents:upload"))
    assert f'action="{ADD}"' in page.text and 'name="case"' in page.text
    assert 'name="find"' not in page.text  # finding is a POST, refused in read-only mode
    client.post(ADD, {"case": case.thrive_id.lower(), "work-file": photo(), "carried": "1"})

    assert DowntimeAttachment.objects.get().record.case == case


def test_the_librarys_upload_document_refuses_a_case_the_person_cannot_see(client, team, read_only):
    from ..factories import make_case

    theirs = make_case(team.other_service)
    client.force_login(team.worker)

    page = client.post(ADD, {"case": theirs.thrive_id, "work-file": photo(), "carried": "1"})

    assert "Enter a Thrive ID you can see" in page.text
    assert not DowntimeRecord.objects.exists()


def other_png() -> bytes:
    """A picture other than png()'s, so that it is a new version and not the same file."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _document(team, case):
    checked = check_upload(SimpleUploadedFile("plan.png", other_png(), "image/png"))
    return documents.upload_document(by=team.worker, checked=checked, case=case, title="Plan")


def test_upload_new_version_keeps_the_file_as_a_new_version_and_applies_it_so(
    client, team, case, read_only, django_capture_on_commit_callbacks
):
    end(read_only)
    document = _document(team, case)
    readonly.start_read_only(by=read_only.started_by, reason="Upgrade again")
    client.force_login(team.worker)

    page = client.get(reverse("documents:new_version", args=[document.pk]))
    assert f'action="{ADD}?case={case.thrive_id}"' in page.text
    assert f'name="work-document" value="{document.pk}"' in page.text
    client.post(
        f"{ADD}?case={case.thrive_id}",
        {"work-file": photo("plan v2.png"), "work-document": document.pk, "carried": "1"},
    )
    record = DowntimeRecord.objects.get()
    assert record.values == {"title": "Plan", "document": document.pk}
    readonly.end_read_only(by=read_only.started_by)

    plan = applying.preview(record, by=team.worker)
    assert plan.outcome == f"Adds it as a new version of {document.name}."
    with django_capture_on_commit_callbacks(execute=True):
        applied = applying.apply_record(record, by=team.worker)

    assert applied.message == f"Version 2 of {document.name} is in the document library."
    assert Document.objects.count() == 1
    assert document.versions.count() == 2
    added = AuditEvent.objects.get(action="document_version_added")
    assert added.note.startswith(f"entered from downtime record {record.pk}, recorded at ")
    assert added.note.endswith(": version 2")


def test_a_new_version_of_a_document_deleted_since_is_refused(client, team, case, read_only):
    end(read_only)
    document = _document(team, case)
    client.force_login(team.worker)
    client.post(
        f"{ADD}?case={case.thrive_id}",
        {"work-file": photo("plan v2.png"), "work-document": document.pk, "carried": "1"},
    )
    documents.move_to_bin(document, by=team.manager)

    with pytest.raises(applying.RecordRefused, match="no longer in the case"):
        applying.apply_record(DowntimeRecord.objects.get(), by=team.worker)


def test_a_version_of_another_cases_document_is_not_kept(client, team, case, read_only):
    from .factories import allocated_case

    end(read_only)
    elsewhere = _document(team, allocated_case(team))
    client.force_login(team.worker)

    page = client.post(
        f"{ADD}?case={case.thrive_id}",
        {"work-file": photo(), "work-document": elsewhere.pk, "carried": "1"},
    )

    assert "You cannot add a version to this document" in page.text
    assert not DowntimeRecord.objects.exists()


def test_outside_read_only_mode_the_upload_pages_upload(client, team, case):
    client.force_login(team.worker)

    page = client.get(reverse("documents:upload_to_case", args=[case.thrive_id]))

    assert 'name="files"' in page.text and "Record this in your Downtime tracker" not in page.text
