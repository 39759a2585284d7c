"""Supporting Documentation: files attached to a task one by one (checked and stored by
documents.uploads), listed, removed before submitting, downloaded by whoever may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.uploads import check_upload
from portal.delegation import services
from portal.models import Status, SupportingDocument
from thrive.models import AuditEvent

from ..documents.corpus import docx, jpeg, pdf, png, xlsx
from .conftest import COMPLETE


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def documents_url(task):
    return reverse("portal:documents", args=[task.pk])


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Letter.pdf", pdf(), "pdf"),
        ("Report.docx", docx(), "word"),
        ("Photo.jpg", jpeg(), "image"),
        ("Chart.png", png(), "image"),
    ],
)
def test_the_clinician_attaches_word_pdf_and_pictures(client, clinician, task, name, content, kind):
    client.force_login(clinician)

    response = client.post(documents_url(task), {"file": upload(name, content)})

    assert response.status_code == 302
    document = SupportingDocument.objects.get(task=task)
    assert document.name == name and document.kind == kind and document.uploaded_by == clinician
    assert document.stored_name.startswith("portal/")
    assert AuditEvent.objects.filter(action="portal_document_attached").exists()
    page = client.get(documents_url(task))
    assert name in page.text


def test_files_are_attached_one_by_one_and_listed(client, clinician, task):
    client.force_login(clinician)

    client.post(documents_url(task), {"file": upload("Letter.pdf", pdf())})
    client.post(documents_url(task), {"file": upload("Report.docx", docx())})

    assert task.documents.count() == 2
    page = client.get(f"{reverse('portal:task', args=[task.pk])}?section=1")
    assert "Supporting Documentation" in page.text
    assert "Letter.pdf" in page.text and "Report.docx" in page.text
    assert reverse("portal:print_pdf", args=[task.pk]) in page.text


def test_excel_is_refused_with_a_clear_message(client, clinician, task, _storage):
    client.force_login(clinician)

    page = client.post(documents_url(task), {"file": upload("Figures.xlsx", xlsx())})

    assert page.status_code == 200
    assert "must be a Word document, PDF, JPG or PNG" in page.text
    assert page.text.count("<title>Error: ")
    assert not task.documents.exists() and not stored_files(_storage)


def test_the_shared_checks_refuse_unsafe_files(client, clinician, task):
    client.force_login(clinician)

    page = client.post(documents_url(task), {"file": upload("notes.txt", b"plain words")})

    assert page.status_code == 200 and not task.documents.exists()
    assert "govuk-error-message" in page.text


def test_files_over_15_mb_are_refused(client, clinician, task, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(clinician)

    page = client.post(documents_url(task), {"file": upload("Letter.pdf", pdf() + b"%" * 2048)})

    assert page.status_code == 200 and not task.documents.exists()
    assert "too large" in page.text.lower() or "must be smaller" in page.text.lower()


def test_the_same_file_twice_on_a_task_is_refused(client, clinician, task, _storage):
    client.force_login(clinician)
    client.post(documents_url(task), {"file": upload("Letter.pdf", pdf())})

    page = client.post(documents_url(task), {"file": upload("Copy of letter.pdf", pdf())})

    assert page.status_code == 200
    assert "already attached to the task as Letter.pdf" in page.text
    assert task.documents.count() == 1 and len(stored_files(_storage)) == 1


def test_the_clinician_removes_a_file_before_submitting(
    client, clinician, task, _storage, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    client.post(documents_url(task), {"file": upload("Letter.pdf", pdf())})
    document = task.documents.get()
    url = reverse("portal:remove_document", args=[task.pk, document.pk])
    assert client.get(url).status_code == 405
    assert len(stored_files(_storage)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not task.documents.exists() and not stored_files(_storage)
    assert AuditEvent.objects.filter(action="portal_document_removed").exists()


def test_files_cannot_be_attached_or_removed_after_submitting(client, clinician, task):
    services.attach_document(task, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    services.save_answers(task, by=clinician, answers=COMPLETE)
    services.submit_task(task, by=clinician)
    task.refresh_from_db()
    assert task.status == Status.SUBMITTED
    document = task.documents.get()
    client.force_login(clinician)

    assert client.get(documents_url(task)).status_code == 404
    assert (
        client.post(reverse("portal:remove_document", args=[task.pk, document.pk])).status_code
        == 404
    )
    assert task.documents.count() == 1
    with pytest.raises(services.TaskActionRefused):
        services.remove_document(document, by=clinician)


def test_the_tray_admin_attaches_a_letter_when_delegating(client, tray_admin, tray_task, clinician):
    client.force_login(tray_admin)
    url = reverse("portal:delegate", args=[tray_task.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).text

    response = client.post(
        url, {"person": clinician.pk, "file": upload("Clinical letter.pdf", pdf())}
    )

    assert response.status_code == 302
    tray_task.refresh_from_db()
    assert tray_task.clinician == clinician
    assert tray_task.documents.get().uploaded_by == tray_admin
    client.force_login(clinician)
    task_page = client.get(reverse("portal:task", args=[tray_task.pk]))
    assert "Clinical letter.pdf" in task_page.text


def test_delegating_without_a_document_still_works(client, tray_admin, tray_task, clinician):
    client.force_login(tray_admin)

    response = client.post(
        reverse("portal:delegate", args=[tray_task.pk]), {"person": clinician.pk}
    )

    assert response.status_code == 302 and not tray_task.documents.exists()


def test_a_refused_document_stops_the_delegation(client, tray_admin, tray_task, clinician):
    client.force_login(tray_admin)

    page = client.post(
        reverse("portal:delegate", args=[tray_task.pk]),
        {"person": clinician.pk, "file": upload("Figures.xlsx", xlsx())},
    )

    assert page.status_code == 200 and "<title>Error: " in page.text
    assert "must be a Word document, PDF, JPG or PNG" in page.text
    tray_task.refresh_from_db()
    assert tray_task.clinician is None


def test_the_tray_admin_attaches_from_the_task(client, tray_admin, tray_task):
    client.force_login(tray_admin)
    page = client.get(reverse("portal:task", args=[tray_task.pk]))
    assert documents_url(tray_task) in page.text

    response = client.post(documents_url(tray_task), {"file": upload("Letter.pdf", pdf())})

    assert response.status_code == 302
    assert (
        reverse("portal:delegate", args=[tray_task.pk]) in client.get(documents_url(tray_task)).text
    )


def test_the_clinician_downloads_a_file_as_an_attachment(client, clinician, task):
    services.attach_document(task, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    document = task.documents.get()
    client.force_login(clinician)

    response = client.get(reverse("portal:download_document", args=[task.pk, document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="portal_document_downloaded").exists()


def test_the_send_officer_downloads_files_once_submitted(client, clinician, send_officer, task):
    services.attach_document(task, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    document = task.documents.get()
    url = reverse("portal:download_document", args=[task.pk, document.pk])
    client.force_login(send_officer)
    assert client.get(url).status_code == 404
    assert "Letter.pdf" not in client.get(reverse("portal:send_task", args=[task.pk])).text

    services.save_answers(task, by=clinician, answers=COMPLETE)
    services.submit_task(task, by=clinician)

    assert client.get(url).status_code == 200
    page = client.get(reverse("portal:send_task", args=[task.pk]))
    assert "Letter.pdf" in page.text and url in page.text
    assert reverse("portal:print_pdf", args=[task.pk]) in page.text


def test_people_not_on_the_task_cannot_download(client, clinician, colleague, task):
    services.attach_document(task, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    document = task.documents.get()
    client.force_login(colleague)

    response = client.get(reverse("portal:download_document", args=[task.pk, document.pk]))

    assert response.status_code == 404


def test_a_document_of_another_task_answers_404(
    client, ehcna, send_officer, group, clinician, task
):
    from .conftest import make_task

    other = make_task(ehcna, send_officer, group, clinician, child_name="Frodo Bagginski")
    services.attach_document(other, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    client.force_login(clinician)

    url = reverse("portal:download_document", args=[task.pk, other.documents.get().pk])

    assert client.get(url).status_code == 404


def test_a_colleague_cannot_attach_to_a_task_they_do_not_hold(colleague, task):
    with pytest.raises(services.TaskActionRefused):
        services.attach_document(
            task, by=colleague, checked=check_upload(upload("Letter.pdf", pdf()))
        )


def test_the_service_refuses_excel_too(clinician, task):
    with pytest.raises(services.TaskActionRefused, match="Word document, PDF, JPG or PNG"):
        services.attach_document(
            task, by=clinician, checked=check_upload(upload("Figures.xlsx", xlsx()))
        )


def numbered_pdf(number):
    """Different bytes for each number: a comment line in the header."""
    return pdf(header=b"%%PDF-1.7\n%%\xe2\xe3\xcf\xd3 %d\n" % number)


def test_the_documents_page_makes_few_queries(
    client, clinician, task, django_assert_max_num_queries
):
    for number in range(5):
        services.attach_document(
            task,
            by=clinician,
            checked=check_upload(upload(f"Letter {number}.pdf", numbered_pdf(number))),
        )
    client.force_login(clinician)

    with django_assert_max_num_queries(16):
        page = client.get(documents_url(task))

    assert page.text.count("Remove<span") == 5


def test_demo_data_has_supporting_documents_once(db, settings, _storage):
    import io

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    count = SupportingDocument.objects.count()
    call_command("demo_data", stdout=io.StringIO())

    assert count == 3 and SupportingDocument.objects.count() == count
    submitted = SupportingDocument.objects.get(task__status=Status.SUBMITTED)
    assert services.may_see_documents(submitted.task.sent_by, submitted.task)


def test_a_retracted_task_keeps_its_files_read_only(client, clinician, send_officer, task):
    services.attach_document(task, by=clinician, checked=check_upload(upload("Letter.pdf", pdf())))
    document = task.documents.get()
    services.retract_task(task, by=send_officer, reason="Sent in error")
    client.force_login(clinician)

    assert client.get(documents_url(task)).status_code == 404
    remove = reverse("portal:remove_document", args=[task.pk, document.pk])
    assert client.post(remove).status_code == 404
    download = reverse("portal:download_document", args=[task.pk, document.pk])
    assert client.get(download).status_code == 200
    page = client.get(reverse("portal:task", args=[task.pk]))
    assert "Letter.pdf" in page.text and "Attach or remove files" not in page.text
