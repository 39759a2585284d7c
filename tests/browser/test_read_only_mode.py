"""Read-only mode in a browser: the banner, a file chosen on Upload documents kept with a
downtime record, a downtime record kept meanwhile, the portal holding page, and the record
entered from the re-entry queue once Thrive is back."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ..documents.corpus import png
from .test_case_journey import sign_in, sign_out


def _start_read_only():
    from continuity import readonly
    from thrive.models import User

    return readonly.start_read_only(
        by=User.objects.get(username="admin01"),
        reason="Thrive is being upgraded this morning.",
        expected_back=timezone.now() + timedelta(hours=3),
        portal_contacts="SEND team: 01632 960000",
    )


def test_work_kept_during_read_only_mode_is_entered_once_thrive_is_back(
    demo_site, page, axe, console_errors, tmp_path
):
    from cases.models import Case

    case = Case.objects.filter(worker__username="wkr01", status="open").order_by("pk").first()
    _start_read_only()

    # Every page says so, and a change is refused with the way forward.
    sign_in(page, demo_site, "wkr01")
    expect(page.get_by_test_id("read-only-banner")).to_contain_text(
        "Thrive is being upgraded this morning."
    )
    axe(page)
    # Upload documents keeps the file chosen with a downtime record for the case.
    page.goto(f"{demo_site.url}/documents/case/{case.thrive_id}/upload/")
    expect(page.get_by_test_id("carry-to-tracker")).to_be_visible()
    axe(page)
    photo = tmp_path / "Bedroom after the visit.png"
    photo.write_bytes(png())
    page.get_by_label("Choose the file").set_input_files(str(photo))
    page.get_by_role("button", name="Record this in your Downtime tracker").click()
    expect(page.get_by_text("has been saved in your Downtime tracker")).to_be_visible()
    expect(page.get_by_test_id("attachment")).to_contain_text("Bedroom after the visit.png")

    # The worker records the work in the Downtime tracker instead.
    page.goto(f"{demo_site.url}/continuity/tracker/")
    before = page.get_by_role("row", name=f"{case.thrive_id} {case.child_last_name}").count()
    axe(page)
    page.get_by_role("button", name="Add a downtime record").click()
    page.get_by_label("Other work (free text)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Thrive ID or NEW").fill(case.thrive_id.lower())
    page.get_by_label("Child surname").fill(case.child_last_name)
    page.get_by_role("group", name="Restricted record?").get_by_label("No").check()
    page.get_by_label("Case note").check()
    page.get_by_label("What was done").fill("Phoned mum: the new routine is working.")
    axe(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your downtime record has been saved.")).to_be_visible()
    rows = page.get_by_role("row", name=f"{case.thrive_id} {case.child_last_name}")
    expect(rows).to_have_count(before + 1)
    sign_out(page)

    # Health partners meanwhile see the portal holding page with the numbers to ring.
    page.goto(f"{demo_site.url}/portal/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, the service is unavailable")
    expect(page.get_by_test_id("portal-contacts")).to_contain_text("01632 960000")
    axe(page)

    # Thrive is back: the worker enters the record and marks it from the re-entry queue.
    from continuity import readonly
    from thrive.models import User

    readonly.end_read_only(by=User.objects.get(username="admin01"))
    sign_in(page, demo_site, "wkr01")
    expect(page.get_by_test_id("read-only-banner")).to_have_count(0)
    page.goto(f"{demo_site.url}/continuity/re-entry/")
    axe(page)
    page.get_by_role("link", name=case.child_last_name).first.click()
    page.get_by_role("button", name="Mark as entered into Thrive").click()
    expect(page.get_by_role("button", name="Undo: not yet entered into Thrive")).to_be_visible()
    axe(page)
    # The refused change and the holding page answer 503 on purpose; nothing else may fail.
    assert [e for e in console_errors if "status of 503" not in e] == []
