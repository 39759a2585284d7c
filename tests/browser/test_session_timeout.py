"""The idle-session warning, with both clocks driven by the test: the server's (time-machine,
frozen) and the page's (Playwright's clock), so nothing waits for seconds to pass and a slow
machine changes nothing."""

import re
from datetime import UTC, datetime

import time_machine
from django.conf import settings as django_settings
from playwright.sync_api import expect

IDLE = 30 * 60
WARNING = 2 * 60


def test_the_timeout_warning_lets_people_stay_then_signs_them_out(
    demo_site, page, axe, console_errors, settings
):
    settings.SESSION_IDLE_TIMEOUT = IDLE
    settings.SESSION_TIMEOUT_WARNING = WARNING
    page.clock.install()
    with time_machine.travel(datetime.now(UTC), tick=False) as server_clock:

        def stay_idle(seconds):
            server_clock.shift(seconds)
            page.clock.fast_forward(seconds * 1000)

        page.goto(f"{demo_site.url}/accounts/login/")
        page.get_by_label("Username").fill("mgr01")
        page.get_by_label("Password", exact=True).fill(django_settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

        dialog = page.get_by_role("dialog", name="You’re about to be signed out")
        expect(dialog).to_be_hidden()
        stay_idle(IDLE - WARNING + 10)
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(re.compile(r"\d+ (minutes?|seconds?)"))
        axe(page)
        dialog.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()

        stay_idle(IDLE - WARNING + 10)
        expect(dialog).to_be_visible()
        stay_idle(WARNING)
        expect(page).to_have_url(re.compile(r"/session/signed-out/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
        axe(page)
    assert console_errors == []
