"""The Operations page in a browser: a system administrator (after setting up a second factor)
sees a failed email and retries it; the page passes axe."""

from django.conf import settings
from playwright.sync_api import expect

from ..factories import failed_email


def _current_code(username):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_an_administrator_retries_a_failed_email_from_the_operations_page(
    demo_site, page, axe, console_errors
):
    failed_email(last_error="SMTP 421 try again later")
    page.goto(f"{demo_site.url}/accounts/login/")
    page.get_by_label("Username").fill("admin01")
    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(_current_code("admin01"))
    page.get_by_role("button", name="Continue").click()
    if page.get_by_role("heading", name="Thrive Acceptable Use Policy").count():
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()

    page.get_by_role("link", name="Operations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
    expect(page.get_by_test_id("failed-emails")).to_contain_text("SMTP 421 try again later")
    expect(page.get_by_test_id("jobs")).to_contain_text("send-outbox")
    axe(page)

    page.get_by_test_id("failed-emails").get_by_role("button", name="Retry").click()
    expect(page.get_by_text("is back in the outbox")).to_be_visible()
    expect(page.get_by_test_id("failed-emails")).to_contain_text("No failed emails.")
    axe(page)
    assert console_errors == []
