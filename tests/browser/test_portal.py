"""The Delegation Portal journey: SEND creates a task, the tray admin delegates it, the
clinician fills the form with two table rows, saves and submits, and the SEND officer sees it
submitted."""

import re

from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from documents.demo import demo_pdf

from .test_case_journey import fill_date, sign_out

HEALTH_PARTNER_PEOPLE = {"tray01", "clin01", "clin02", "clinmgr01"}


def sign_in(page, site, username):
    """Sign in, accepting the Acceptable Use Policy if it is asked for (waiting for whichever
    page comes next rather than racing the navigation). Health partner people use Children
    and Families Online Services: email, password, then the code emailed to them."""
    if username in HEALTH_PARTNER_PEOPLE:
        return portal_sign_in(page, site, username)
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile("Welcome|Acceptable Use Policy"))
    if "Acceptable Use Policy" in heading.inner_text():
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()
    expect(heading).to_contain_text("Welcome")


def emailed_code(to: str) -> str:
    """The code in the latest email to `to` (the live server sends through Django's test
    mailbox; the outbox row itself is blanked once sent)."""
    [latest] = [m for m in mail.outbox if to in m.to][-1:]
    return re.search(r"\b(\d{6})\b", latest.body).group(1)


def portal_sign_in(page, site, username):
    email = f"{username}@demo.thrive.invalid"
    page.goto(f"{site.url}/portal/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Submit").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Check your email")
    page.get_by_label("Code").fill(emailed_code(email))
    page.get_by_role("button", name="Finish").click()
    expect(heading).to_contain_text(re.compile("Delegation Portal|Acceptable Use Policy"))
    if "Acceptable Use Policy" in heading.inner_text():
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()
    expect(heading).to_have_text("Delegation Portal")


def test_send_delegate_complete_and_submit(demo_site, page, axe, console_errors):
    not_found = []
    page.on("response", lambda r: not_found.append(r.url) if r.status == 404 else None)
    # The SEND officer creates a task for the work tray.
    sign_in(page, demo_site, "send01")
    page.get_by_role("link", name="Portal tasks").first.click()
    axe(page)
    page.get_by_role("button", name="Create a task").click()
    page.get_by_label("Child’s name").fill("Bilbo Flowerpot")
    fill_date(page, "Date of birth", 4, 5, 2014)
    page.get_by_label("Address", exact=True).fill("1 Garden Lane, Ashford")
    page.get_by_label("Form type").select_option(label="EHCNA Information Gathering")
    page.get_by_label("Comments").fill("Please complete the report")
    page.get_by_label("Health partner work tray").select_option(
        label="Children's Therapies – Kent Community Health NHS Trust"
    )
    axe(page)
    page.get_by_role("button", name="Send task").click()
    expect(page.get_by_test_id("task-status")).to_have_text("In work tray")
    axe(page)
    sign_out(page)

    # The work tray admin delegates it to a clinician.
    sign_in(page, demo_site, "tray01")
    page.get_by_role("link", name="Work tray").first.click()
    axe(page)
    tray = page.get_by_test_id("tray")
    tray.get_by_role("row").filter(has_text="Bilbo Flowerpot").get_by_role(
        "link", name="Delegate"
    ).click()
    page.get_by_label("Dr Chloe Lin (Occupational therapist)").check()
    axe(page)
    page.get_by_role("button", name="Delegate task").click()
    sign_out(page)

    # The clinician completes the form section by section.
    sign_in(page, demo_site, "clin01")
    page.get_by_role("link", name="Tasks", exact=True).first.click()
    axe(page)
    page.get_by_test_id("assigned").get_by_role("row").filter(
        has_text="Bilbo Flowerpot"
    ).get_by_role("link", name="EHCNA Information Gathering").click()
    expect(page.get_by_label("Full name")).to_have_value("Bilbo Flowerpot")
    axe(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Background").fill("Known to the service since 2020.")
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Health needs", exact=True).fill("Hypermobility.")
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Outcomes").fill("Writes a paragraph independently.")
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Health provision, row 1").fill("Provision 1")
    page.get_by_label("Who will provide this, row 1").fill("Mary")
    page.get_by_role("button", name="Add row to Health provision").click()
    page.get_by_label("Health provision, row 2").fill("Provision 2")
    page.get_by_label("Who will provide this, row 2").fill("John")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Who will provide this, row 2")).to_have_value("John")
    axe(page)

    # ... attaches a supporting document ...
    page.get_by_role("button", name="Attach or remove files").click()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "Clinic letter.pdf", "mimeType": "application/pdf", "buffer": demo_pdf("Letter")}
    )
    axe(page)
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_test_id("supporting-documents")).to_contain_text("Clinic letter.pdf")
    page.get_by_role("link", name="Back to the task").click()

    # Submitting too early lists what is missing, linking to its section.
    page.get_by_role("button", name="Submit Contribution").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter name (section 7)")
    axe(page)
    summary.get_by_role("link", name="Enter name (section 7)").click()
    page.get_by_label("Name", exact=True).fill("Dr Chloe Lin")
    page.get_by_label("Job title").fill("Occupational therapist")
    fill_date(page, "Date completed", 20, 11, 2026)
    page.get_by_role("button", name="Submit Contribution").click()
    expect(page.get_by_test_id("tab-submitted")).to_contain_text(re.compile(r"\(\d+\)"))
    page.get_by_test_id("tab-submitted").click()
    expect(page.get_by_test_id("submitted")).to_contain_text("Bilbo Flowerpot")
    axe(page)
    sign_out(page)

    # The SEND officer sees it submitted, with the table's rows.
    sign_in(page, demo_site, "send01")
    page.get_by_role("link", name="Portal tasks").first.click()
    page.get_by_label("Status").select_option(label="Submitted")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_test_id("portal-tasks").get_by_role("row").filter(
        has_text="Bilbo Flowerpot"
    ).get_by_role("link").click()
    expect(page.get_by_test_id("task-status")).to_have_text("Submitted")
    expect(page.locator("main")).to_contain_text("Provision 2")
    axe(page)
    # ... with its supporting document, and downloads its PDF.
    expect(page.get_by_test_id("supporting-documents")).to_contain_text("Clinic letter.pdf")
    with page.expect_download() as download:
        page.get_by_role("button", name="Print PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert console_errors == [], not_found
