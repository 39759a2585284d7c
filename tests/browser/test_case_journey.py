import re

from django.conf import settings
from playwright.sync_api import expect


def sign_in(page, site, username):
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if page.get_by_role("heading", name="Thrive Acceptable Use Policy").count():
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page):
    """Sign out ("Logout" in Children and Families Online Services)."""
    page.get_by_role("button", name=re.compile(r"^(Sign out|Logout)$")).first.click()


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_referral_decision_allocation_closure_and_archive(demo_site, page, axe, console_errors):
    # The EHPS officer refers a family.
    sign_in(page, demo_site, "ehps01")
    page.get_by_role("link", name="Refer a family").first.click()
    axe(page)
    page.get_by_label("Commissioned service").select_option(
        label="Family Matters Ashford (Ashford)"
    )
    page.get_by_label("Family second name(s)").fill("Flowerpot")
    page.get_by_label("Main child first name").fill("Bill")
    page.get_by_label("Main child second name").fill("Flowerpot")
    fill_date(page, "Main child date of birth", 4, 5, 2016)
    page.get_by_label("Address").fill("1 Garden Lane, Ashford")
    page.get_by_label("Postcode").fill("tn23 1aa")
    page.get_by_label("Notifier").fill("School")
    page.get_by_label("Reason for referral").fill("Behaviour at school")
    page.get_by_role("button", name="Refer the family").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Awaiting decision")
    thrive_id = page.get_by_role("heading", level=1).inner_text().split()[0]
    axe(page)
    sign_out(page)

    # The manager accepts it and allocates a worker, from Cases Requiring Action.
    sign_in(page, demo_site, "mgr01")
    page.get_by_role("link", name="Cases Requiring Action").first.click()
    axe(page)
    page.get_by_role("link", name=thrive_id).click()
    page.get_by_role("button", name="Record decision").click()
    page.get_by_label("Yes").first.check()
    page.get_by_role("group", name="Is the case subject to a waiting list?").get_by_label(
        "No"
    ).check()
    axe(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Accepted awaiting worker")
    page.get_by_role("button", name="Allocate worker").click()
    page.get_by_label("Name of worker").select_option(label="Will Kerr (wkr01)")
    page.get_by_role("button", name="Save worker").click()
    expect(page.get_by_test_id("worker")).to_have_text("Will Kerr (wkr01)")
    sign_out(page)

    # The worker finds it in My Cases, records the work and closes it.
    sign_in(page, demo_site, "wkr01")
    page.get_by_role("link", name="My Cases").first.click()
    page.get_by_label("Thrive ID").fill(thrive_id.lower())
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=thrive_id).click()
    page.get_by_role("button", name="Close case").click()
    page.get_by_role("button", name="Close case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a closure summary")
    axe(page)
    page.get_by_label("Needs met: support complete").check()
    page.get_by_label("Closure summary").fill("Routines agreed; attendance back to normal.")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Closed")
    sign_out(page)

    # The manager archives it; it moves to the Archive.
    sign_in(page, demo_site, "mgr01")
    page.goto(f"{demo_site.url}/cases/{thrive_id}/")
    page.get_by_role("button", name="Archive").click()
    page.get_by_role("button", name="Archive case").click()
    expect(page.get_by_test_id("case-status")).to_have_text(re.compile("Archived"))
    page.get_by_role("link", name="Archive").first.click()
    expect(page.get_by_test_id("archive")).to_contain_text(thrive_id)
    axe(page)
    assert console_errors == []
