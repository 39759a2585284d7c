"""The manager counter-signs and submits a task re-assigned to them; the tray admin sees a
clinician's automatic reply before delegating."""

from playwright.sync_api import expect

from .test_case_journey import sign_out
from .test_portal import sign_in


def test_manager_counter_signs_and_tray_admin_sees_automatic_reply(
    demo_site, page, axe, console_errors
):
    sign_in(page, demo_site, "clinmgr01")
    page.get_by_role("link", name="Tasks", exact=True).first.click()
    page.get_by_test_id("assigned").get_by_role("row").filter(has_text="Poppy Ward").get_by_role(
        "link", name="EHCNA Information Gathering"
    ).click()
    expect(page.get_by_test_id("countersign")).to_contain_text("You are the Counter Signatory")
    axe(page)
    page.get_by_role("button", name="Counter-sign", exact=True).click()
    expect(page.get_by_test_id("countersigned")).to_contain_text("Dr Clara Morgan")
    page.get_by_role("button", name="Submit Contribution").click()
    page.get_by_test_id("tab-submitted").click()
    expect(page.get_by_test_id("submitted")).to_contain_text("Poppy Ward")
    page.get_by_role("link", name="Automatic Replies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Automatic Replies")
    axe(page)
    sign_out(page)

    sign_in(page, demo_site, "tray01")
    page.get_by_role("link", name="Work tray").first.click()
    page.get_by_test_id("tray").get_by_role("row").filter(has_text="Frodo Bagginski").get_by_role(
        "link", name="Delegate"
    ).click()
    expect(page.get_by_test_id("automatic-reply")).to_contain_text("I am on annual leave")
    axe(page)
    assert not console_errors
