import re

import pytest
from playwright.sync_api import expect

from documents.demo import demo_docx, demo_pdf

from .test_case_journey import sign_in, sign_out

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def stored_in_tmp(settings, tmp_path):
    """Uploads (the demo's included) go to a fresh folder, not the project's media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def test_upload_preview_new_version_and_relink(stored_in_tmp, demo_site, page, axe, console_errors):
    # The worker uploads two files at once from the case page.
    sign_in(page, demo_site, "wkr01")
    page.get_by_role("link", name="My Cases").first.click()
    page.get_by_test_id("my-cases").locator("tbody a").first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^KT\d{6}"))  # the case page, not My Cases
    thrive_id = heading.inner_text().split()[0]
    page.get_by_role("button", name="Upload documents").click()
    axe(page)
    page.get_by_label("Choose files").set_input_files(
        [
            {"name": "Home visit notes.pdf", "mimeType": PDF, "buffer": demo_pdf("Home visit")},
            {"name": "school plan.docx", "mimeType": DOCX, "buffer": demo_docx("School plan")},
        ]
    )
    page.get_by_role("button", name="Upload").click()
    documents = page.get_by_test_id("case-documents")
    expect(documents).to_contain_text(re.compile(rf"{thrive_id}-\d{{6}}-HomeVisitNotes\.pdf"))
    expect(documents).to_contain_text(re.compile(rf"{thrive_id}-\d{{6}}-SchoolPlan\.docx"))
    axe(page)

    # It opens the PDF's page and previews it: inline, sandboxed.
    documents.get_by_role("link", name=re.compile(rf"^{thrive_id}-\d{{6}}-HomeVisitNotes")).click()
    axe(page)
    preview_url = page.get_by_role("link", name=re.compile("Preview")).get_attribute("href")
    preview = page.context.request.get(f"{demo_site.url}{preview_url}")
    assert preview.status == 200
    assert preview.headers["content-disposition"].startswith("inline")
    assert "sandbox" in preview.headers["content-security-policy"]

    # A new version: both are listed.
    page.get_by_role("button", name="Upload new version").click()
    page.get_by_label("Choose the new version").set_input_files(
        {"name": "notes v2.pdf", "mimeType": PDF, "buffer": demo_pdf("Home visit, corrected")}
    )
    axe(page)
    page.get_by_role("button", name="Upload").click()
    versions = page.get_by_test_id("versions")
    expect(versions).to_contain_text("2 (current)")
    expect(versions.get_by_role("link", name=re.compile("Download version 1"))).to_be_visible()
    sign_out(page)

    # The manager links a document with no Thrive ID from the report, in one action.
    sign_in(page, demo_site, "mgr01")
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Documents with No Thrive ID").click()
    report = page.get_by_test_id("no-thrive-id")
    expect(report).to_contain_text("TEST19-020316-BFprogresslog.docx")
    axe(page)
    report.get_by_role("row", name=re.compile("BFprogresslog")).get_by_role(
        "link", name="Edit Properties"
    ).click()
    axe(page)
    typed = f"{thrive_id[:2].lower()} {int(thrive_id[2:])}"
    page.get_by_label("Thrive ID").fill(typed)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents with No Thrive ID")
    expect(page.get_by_test_id("no-thrive-id")).not_to_contain_text("BFprogresslog")
    page.goto(f"{demo_site.url}/cases/{thrive_id}/")
    expect(page.get_by_test_id("case-documents")).to_contain_text(
        f"{thrive_id}-020316-BFprogresslog.docx"
    )
    assert console_errors == []
