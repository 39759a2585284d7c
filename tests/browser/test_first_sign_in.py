import re

from django.conf import settings
from playwright.sync_api import expect


def test_worker_signs_in_accepts_the_policy_reaches_home_and_signs_out(
    demo_site, page, axe, console_errors
):
    page.goto(f"{demo_site.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    axe(page)

    page.get_by_label("Username").fill("KLZ\\wkr01")
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thrive Acceptable Use Policy")
    axe(page)
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you have read and will comply with the policy"
    )
    axe(page)
    page.get_by_label("I have read, understood and will comply").check()
    page.get_by_role("button", name="Accept and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Will")
    expect(page.get_by_test_id("signed-in-user")).to_have_text("Will Kerr")
    expect(page.get_by_test_id("roles")).to_contain_text("Family Matters Ashford")
    axe(page)

    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    axe(page)
    assert console_errors == []
