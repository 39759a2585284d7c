import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import Document
from thrive.models import AuditEvent

from ..conftest import stored_files
from ..corpus import docx, jpeg, pdf
from .conftest import checked, other_pdf


def _upload_url(case):
    return reverse("documents:upload_to_case", args=[case.thrive_id])


def test_case_page_lists_documents_with_an_upload_button_for_the_worker(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked(), title="Plan")
    client.force_login(worker)

    page = client.get(reverse("cases:detail", args=[case.thrive_id])).content.decode()

    assert 'id="documents"' in page
    assert document.name in page
    assert "Will Kerr" in page
    assert _upload_url(case) in page


def test_ehps_officers_see_documents_but_may_not_upload(client, case, worker, officer):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(officer)

    page = client.get(reverse("cases:detail", args=[case.thrive_id])).content.decode()

    assert document.name in page
    assert _upload_url(case) not in page
    assert client.get(_upload_url(case)).status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_several_files_upload_at_once_from_the_case(client, case, worker, media):
    client.force_login(worker)

    response = client.post(
        _upload_url(case),
        {
            "files": [
                SimpleUploadedFile("Family plan.pdf", pdf()),
                SimpleUploadedFile("notes.docx", docx()),
            ],
            "title": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    names = set(case.documents.values_list("name", flat=True))
    today = timezone.localdate().strftime("%d%m%y")
    assert names == {
        f"{case.thrive_id}-{today}-FamilyPlan.pdf",
        f"{case.thrive_id}-{today}-Notes.docx",
    }
    assert len(stored_files(media)) == 2


def test_a_refused_file_is_named_and_nothing_is_uploaded(client, case, worker, media):
    client.force_login(worker)

    response = client.post(
        _upload_url(case),
        {
            "files": [
                SimpleUploadedFile("good.pdf", pdf()),
                SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 200),
            ]
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "virus.exe:" in page
    assert "No files were uploaded" in page
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_duplicate_upload_shows_the_existing_document(client, case, worker, media):
    existing = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(worker)

    response = client.post(
        _upload_url(case), {"files": [SimpleUploadedFile("again.pdf", pdf())]}, follow=True
    )

    page = response.content.decode()
    assert f"is already on case {case.thrive_id}" in page
    assert reverse("documents:detail", args=[existing.pk]) in page
    assert existing.name in page
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_library_upload_accepts_a_thrive_id_typed_loosely(client, case, worker):
    client.force_login(worker)
    typed = f" {case.thrive_id.lower()[:2]} {int(case.thrive_id[2:])} "

    response = client.post(
        reverse("documents:upload"),
        {"thrive_id": typed, "files": [SimpleUploadedFile("letter.pdf", pdf())]},
    )

    assert response.status_code == 302
    assert case.documents.count() == 1


@pytest.mark.parametrize("typed", ["KT999999", "", "TEST 13"])
def test_library_upload_refuses_an_unknown_thrive_id_at_the_field(client, case, worker, typed):
    client.force_login(worker)

    response = client.post(
        reverse("documents:upload"),
        {"thrive_id": typed, "files": [SimpleUploadedFile("letter.pdf", pdf())]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="thrive_id-error"' in page or "thrive_id-error" in page
    assert ("There is no case with the Thrive ID" in page) or ("Enter the Thrive ID" in page)
    assert not Document.objects.exists()


def test_library_upload_refuses_another_workers_case(client, case, other_worker):
    client.force_login(other_worker)

    response = client.post(
        reverse("documents:upload"),
        {"thrive_id": case.thrive_id, "files": [SimpleUploadedFile("letter.pdf", pdf())]},
    )

    assert "There is no case with the Thrive ID" in response.content.decode()
    assert not Document.objects.exists()


def test_library_upload_finds_cases_by_family_name(client, case, second_case, worker):
    client.force_login(worker)

    page = client.post(reverse("documents:upload"), {"find": "case", "q": "flowerPOT"})

    assert case.thrive_id in page.content.decode()
    assert second_case.thrive_id not in page.content.decode()
    assert not Document.objects.exists()


def test_finding_a_case_never_puts_the_family_name_in_the_url(client, case, worker):
    client.force_login(worker)

    ignored = client.get(reverse("documents:upload"), {"q": "flowerPOT"}).content.decode()
    page = client.get(reverse("documents:upload")).content.decode()

    assert case.thrive_id not in ignored
    assert '<form method="post" novalidate role="search"' in page
    assert "There is a problem" not in page


def test_download_is_an_attachment_with_the_safe_name_and_audited(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(worker)

    response = client.get(reverse("documents:download", args=[document.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert document.name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf()
    assert AuditEvent.objects.filter(action="document_downloaded", user=worker).exists()


def test_preview_is_inline_and_sandboxed(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked("photo.jpg"))
    client.force_login(worker)

    response = client.get(reverse("documents:preview", args=[document.pk]))

    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    assert AuditEvent.objects.filter(action="document_previewed").exists()


def test_word_documents_have_no_preview(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked("plan.docx"))
    client.force_login(worker)

    assert client.get(reverse("documents:preview", args=[document.pk])).status_code == 404


def test_versions_are_listed_and_each_downloads(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(worker)

    response = client.post(
        reverse("documents:new_version", args=[document.pk]),
        {"file": SimpleUploadedFile("v2.pdf", other_pdf())},
    )
    assert response.status_code == 302
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    old = client.get(reverse("documents:download_version", args=[document.pk, 1]))

    assert "Download version 2" in page and "Download version 1" in page
    assert b"".join(old.streaming_content) == pdf()
    assert "-version1.pdf" in old["Content-Disposition"]


def test_manager_fixes_a_link_from_the_no_thrive_id_report(client, ashford, case, manager):
    document = services.upload_document(
        by=None,
        service=ashford,
        checked=checked(),
        name="TEST19-020316-BFprogresslog.pdf",
        imported=True,
    )
    client.force_login(manager)
    report = reverse("cases:report", args=["no-thrive-id"])
    assert document.name in client.get(report).content.decode()

    response = client.post(
        reverse("documents:edit", args=[document.pk]),
        {"thrive_id": case.thrive_id.lower(), "title": "Progress log", "next": report},
    )

    assert response.status_code == 302
    assert response["Location"] == report
    assert "Every document has a Thrive ID." in client.get(report).content.decode()
    case_page = client.get(reverse("cases:detail", args=[case.thrive_id])).content.decode()
    assert "BFprogresslog" in case_page


def test_edit_properties_refuses_an_unknown_thrive_id(client, case, manager, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(manager)

    response = client.post(
        reverse("documents:edit", args=[document.pk]), {"thrive_id": "KT999999", "title": ""}
    )

    assert "There is no case with the Thrive ID KT999999" in response.content.decode()
    document.refresh_from_db()
    assert document.case == case


def test_workers_have_no_edit_properties(client, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(worker)

    assert client.get(reverse("documents:edit", args=[document.pk])).status_code == 404


def test_delete_then_restore_from_the_bin(client, case, worker, manager):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(worker)

    client.post(reverse("documents:delete", args=[document.pk]))

    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
    client.force_login(manager)
    bin_page = client.get(reverse("documents:bin")).content.decode()
    assert document.name in bin_page
    response = client.post(reverse("documents:restore", args=[document.pk]))
    assert response.status_code == 302
    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 200


def test_documents_of_an_archived_case_stay_with_it(client, case, worker, manager):
    document = services.upload_document(by=worker, case=case, checked=checked())
    case.archived_at = timezone.now()
    case.archived_by = manager
    case.status = "closed"
    case.save()
    client.force_login(manager)

    page = client.get(reverse("cases:detail", args=[case.thrive_id])).content.decode()

    assert document.name in page
    assert _upload_url(case) not in page


def test_pictures_upload_through_the_library_page_too(client, case, manager):
    client.force_login(manager)

    client.post(
        reverse("documents:upload"),
        {"thrive_id": case.thrive_id, "files": [SimpleUploadedFile("p.jpg", jpeg(gps=True))]},
    )

    assert case.documents.get().kind == "image"


def test_the_case_documents_list_sorts_pages_and_downloads(client, case, worker):
    from .factories import make_document

    for number in range(25):
        make_document(case, name=f"{case.thrive_id}-010126-Note{number:02d}.pdf")
    client.force_login(worker)
    case_page = reverse("cases:detail", args=[case.thrive_id])

    first = client.get(case_page, {"documents-sort": "name"}).content.decode()
    second = client.get(case_page, {"documents-sort": "name", "documents-page": 2}).content
    export = client.get(
        reverse("documents:case_documents", args=[case.thrive_id]),
        {"export": "case-documents", "format": "csv"},
    )

    assert "Count: 25" in first
    assert "Note00" in first and "Note24" not in first
    assert b"Note24" in second
    assert b"Note24" in b"".join(export.streaming_content)


def test_the_case_page_costs_the_same_queries_with_many_documents(client, case, worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_document

    client.force_login(worker)
    url = reverse("cases:detail", args=[case.thrive_id])
    make_document(case, by=worker)
    client.get(url)  # the first request also records the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        make_document(case, by=worker)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_edit_properties_shows_someone_elses_change_and_keeps_the_input(
    client, case, second_case, manager, worker
):
    document = services.upload_document(by=worker, case=case, checked=checked())
    client.force_login(manager)
    opened = document.modified_at.isoformat()
    services.edit_properties(document, by=manager, title="Changed meanwhile", case=case)

    response = client.post(
        reverse("documents:edit", args=[document.pk]),
        {"thrive_id": second_case.thrive_id, "title": "Mine", "opened": opened},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "changed this document while you were editing" in page
    assert "Changed meanwhile" in page
    assert 'value="Mine"' in page
    document.refresh_from_db()
    assert document.case == case

    response = client.post(
        reverse("documents:edit", args=[document.pk]),
        {
            "thrive_id": second_case.thrive_id,
            "title": "Mine",
            "opened": document.modified_at.isoformat(),
        },
    )
    assert response.status_code == 302
