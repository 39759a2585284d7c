"""A health partner professional registers for Children and Families Online Services,
confirms their address with the emailed code, sees no tasks yet, and the work tray admin adds
them to the work group."""

import re

from playwright.sync_api import expect

from .test_case_journey import sign_out
from .test_portal import emailed_code, sign_in

PASSWORD = "Kettle-Harbour-92"


def test_register_confirm_and_join_a_work_group(demo_site, page, axe, console_errors):
    page.goto(f"{demo_site.url}/portal/sign-in/")
    expect(page.get_by_test_id("portal-name")).to_have_text("Children and Families Online Services")
    axe(page)
    page.get_by_role("button", name="Register").click()

    # Step 1: name, professional capacity (role and organisation are revealed) and address.
    page.get_by_label("Forename").fill("Priya")
    page.get_by_label("Surname").fill("Marsh")
    page.get_by_label("Is this account being used in a professional capacity?").check()
    page.get_by_label("Role").fill("Speech and language therapist")
    page.get_by_label("Organisation").select_option(label="Kent Community Health NHS Trust")
    page.get_by_label("House no").fill("4")
    page.get_by_label("Street").fill("Mill Lane")
    page.get_by_label("Town/City").fill("Ashford")
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    axe(page)
    page.get_by_label("Postcode").fill("tn23 1aa")
    page.get_by_role("button", name="Next").click()

    # Step 2: email and password (the AUP rules apply).
    page.get_by_label("Email address").fill("priya.marsh@nhs.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Type your password again").fill(PASSWORD)
    axe(page)
    page.get_by_role("button", name="Next").click()

    # Step 3: the emailed code.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    axe(page)
    page.get_by_label("Code").fill(emailed_code("priya.marsh@nhs.example"))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration completed")
    axe(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I have read, understood and will comply").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_test_id("no-work-group")).to_be_visible()
    page.get_by_role("link", name="Update account").click()
    expect(page.get_by_test_id("account-email")).to_have_text("priya.marsh@nhs.example")
    axe(page)
    sign_out(page)

    # The work tray admin adds her to the work group.
    sign_in(page, demo_site, "tray01")
    page.get_by_role("link", name="Work groups").first.click()
    axe(page)
    page.get_by_role("link", name="Children's Therapies").click()
    expect(page.get_by_test_id("waiting")).to_contain_text("Priya Marsh")
    page.get_by_label(re.compile(r"Priya Marsh \(")).check()
    page.get_by_label("Clinician").check()
    axe(page)
    page.get_by_role("button", name="Add to work group").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Priya Marsh was added")
    sign_out(page)

    # Now her tasks page has no "not in a work group" notice.
    page.goto(f"{demo_site.url}/portal/sign-in/")
    page.get_by_label("Email").fill("priya.marsh@nhs.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Submit").click()
    page.get_by_label("Code").fill(emailed_code("priya.marsh@nhs.example"))
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegation Portal")
    expect(page.get_by_test_id("no-work-group")).to_have_count(0)
