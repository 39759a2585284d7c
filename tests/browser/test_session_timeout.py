import re

from django.conf import settings as django_settings
from playwright.sync_api import expect


def test_the_timeout_warning_lets_people_stay_then_signs_them_out(
    demo_site, page, axe, console_errors, settings
):
    settings.SESSION_IDLE_TIMEOUT = 5
    settings.SESSION_TIMEOUT_WARNING = 4
    page.goto(f"{demo_site.url}/accounts/login/")
    page.get_by_label("Username").fill("mgr01")
    page.get_by_label("Password", exact=True).fill(django_settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("I have read, understood and will comply").check()
    page.get_by_role("button", name="Accept and continue").click()

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=5000)
    axe(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()

    expect(dialog).to_be_visible(timeout=5000)
    expect(page).to_have_url(re.compile(r"/session/signed-out/"), timeout=10000)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    axe(page)
    assert console_errors == []
