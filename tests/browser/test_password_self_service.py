import re

from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from selfservice.demo import DEMO_QUESTIONS
from thrive.models import OutboxEmail
from thrive.outbox import SECRET_REMOVED

FIRST_PASSWORD = "Kestrel-Lamp-93"
SECOND_PASSWORD = "Harbour-Quilt-58"


def sign_in(page, url, password):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("wkr01")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def latest_code():
    """From the mailbox: the outbox row that carried the code is blanked once it is sent."""
    sent = OutboxEmail.objects.filter(subject__contains="reset code").latest("pk")
    assert sent.status == OutboxEmail.Status.SENT and sent.body == SECRET_REMOVED
    email = [m for m in mail.outbox if "reset code" in m.subject][-1]
    return re.search(r"\b(\d{6})\b", email.body).group(1)


def test_first_sign_in_questions_change_sign_out_forgotten_password_sign_in_again(
    demo_site, page, axe, console_errors
):
    # First sign-in: the policy, then home with a banner asking for security questions.
    sign_in(page, demo_site.url, settings.DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thrive Acceptable Use Policy")
    page.get_by_label("I have read, understood and will comply").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Will")
    banner = page.get_by_test_id("selfservice-notice")
    expect(banner).to_contain_text("Set up your security questions")
    axe(page)

    # Security questions, in self-service's own look.
    banner.get_by_role("link", name="Set up your security questions").click()
    expect(page.locator(".govuk-generic-header")).to_contain_text("Thrive self-service")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your security questions")
    axe(page)
    page.get_by_role("button", name="Save security questions").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose question 1")
    axe(page)
    for number, (question, answer) in enumerate(DEMO_QUESTIONS, start=1):
        page.locator(f"#id_question_{number}").select_option(label=question)
        page.locator(f"#id_answer_{number}").fill(answer)
    page.get_by_label("Your current password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Save security questions").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your security questions are set up"
    )
    expect(page.get_by_test_id("questions-status")).to_have_text("Set up")
    axe(page)

    # Change the password: a sequential one is refused, then a good one.
    page.get_by_role("link", name="Change password").first.click()
    expect(page.get_by_test_id("password-rules")).to_contain_text("at least 6 characters")
    page.get_by_label("Current password").fill(settings.DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill("Thrive-Demo-2027!")
    page.get_by_label("Type your new password again").fill("Thrive-Demo-2027!")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not a small change")
    axe(page)
    page.get_by_label("Current password").fill(settings.DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Type your new password again").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    axe(page)

    # Sign out, then the forgotten-password journey from the sign-in page.
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten or expired password")
    axe(page)
    page.get_by_label("Username").fill("KLZ\\wkr01")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer your security questions")
    for question, answer in DEMO_QUESTIONS:
        page.get_by_label(question).fill(answer.lower())  # case-sensitive: wrong
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not right")
    axe(page)
    for question, answer in DEMO_QUESTIONS:
        page.get_by_label(question).fill(answer)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe(page)
    page.get_by_label("Code").fill(latest_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    axe(page)
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("Type your new password again").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    axe(page)

    # Sign in with the new password.
    page.get_by_role("link", name="Sign in to Thrive").last.click()
    page.get_by_label("Username").fill("wkr01")
    page.get_by_label("Password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Will")
    expect(page.get_by_test_id("selfservice-notice")).to_have_count(0)
    axe(page)
    assert console_errors == []
