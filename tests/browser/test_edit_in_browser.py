import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case
from documents import services
from documents.demo import demo_docx
from documents.uploads import check_upload
from thrive.models import User

from .test_case_journey import sign_in
from .test_documents import stored_in_tmp  # noqa: F401 - fixture


def test_a_worker_edits_a_document_in_the_browser_and_each_save_is_a_version(
    stored_in_tmp,  # noqa: F811
    demo_site,
    settings,
    page,
    axe,
):
    settings.ROOT_URLCONF = "tests.browser.stand_in_editor"
    settings.WOPI_EDITOR_URL = f"{demo_site.url}/stand-in-editor"
    settings.WOPI_HOST_URL = demo_site.url
    worker = User.objects.get(username="wkr01")
    case = Case.objects.filter(worker=worker, archived_at__isnull=True).first()
    document = services.upload_document(
        by=worker,
        case=case,
        checked=check_upload(SimpleUploadedFile("Plan.docx", demo_docx("The family plan"))),
    )

    sign_in(page, demo_site, "wkr01")
    page.goto(f"{demo_site.url}{reverse('documents:detail', args=[document.pk])}")
    page.get_by_role("button", name="Edit in the browser").click()
    axe(page)
    editor = page.frame_locator("#wopi-editor")
    status = editor.locator("#status")
    expect(status).to_have_text(re.compile(rf"Editing {document.name} as "))

    editor.get_by_role("button", name="Save").click()
    expect(status).to_have_text(re.compile("^Saved: "))
    first = status.inner_text()
    editor.get_by_role("button", name="Save").click()
    expect(status).not_to_have_text(first)
    expect(status).to_have_text(re.compile("^Saved: "))

    # While it is open, the document's page says who has it, and lists both saves.
    detail = f"{demo_site.url}{reverse('documents:detail', args=[document.pk])}"
    other = page.context.new_page()
    other.goto(detail)
    expect(other.get_by_test_id("document-lock")).to_contain_text(worker.full_name)
    versions = other.get_by_test_id("versions")
    expect(versions).to_contain_text("3 (current)")
    expect(versions.locator("tbody tr")).to_have_count(3)
    expect(versions.locator("tbody tr").first).to_contain_text(worker.full_name)
    axe(other)

    # Closing the editor releases the document.
    editor.get_by_role("button", name="Close").click()
    expect(status).to_have_text("Closed")
    other.reload()
    expect(other.get_by_test_id("versions")).to_contain_text("3 (current)")
    expect(other.get_by_test_id("document-lock")).to_have_count(0)
