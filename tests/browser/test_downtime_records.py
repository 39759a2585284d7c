"""Downtime records in a browser: work typed while Thrive is read-only becomes records with
nothing retyped, and each is applied to Thrive with one button once it is back."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from thrive.ui.templatetags.govuk import uk_date

from ..documents.corpus import png
from .test_case_journey import fill_date, sign_in, sign_out


def _parts(day):
    return day.day, day.month, day.year


def _admin():
    from thrive.models import User

    return User.objects.get(username="admin01")


def test_work_kept_in_read_only_mode_is_applied_with_one_button_each(
    demo_site, page, axe, console_errors, tmp_path
):
    from cases import services
    from cases.models import Case
    from continuity import readonly
    from continuity.models import DowntimeRecord
    from thrive.models import User

    case = Case.objects.filter(worker__username="wkr01", status="open").order_by("pk").first()
    readonly.start_read_only(
        by=_admin(),
        reason="Thrive is being upgraded.",
        expected_back=timezone.now() + timedelta(hours=2),
    )
    already = set(DowntimeRecord.objects.values_list("pk", flat=True))
    # Dates from today's, so the journey reads the same whenever it runs.
    today = timezone.localdate()
    first_contact, managers_date, yesterday = (today - timedelta(days=n) for n in (10, 11, 1))
    sign_in(page, demo_site, "wkr01")

    # The case's Edit page: what is typed goes into the tracker, nothing retyped.
    page.goto(f"{demo_site.url}/cases/{case.thrive_id}/")
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_test_id("carry-to-tracker")).to_be_visible()
    axe(page)
    fill_date(page, "Date of first contact with family", *_parts(first_contact))
    page.get_by_role("button", name="Record this in your Downtime tracker").click()
    expect(page.get_by_text("has been saved in your Downtime tracker")).to_be_visible()
    axe(page)

    # A case note, from the case page.
    page.goto(f"{demo_site.url}/cases/{case.thrive_id}/")
    page.get_by_test_id("add-note").click()
    page.get_by_label("Phone call").check()
    fill_date(page, "Date of the work", *_parts(yesterday))
    page.get_by_label("Time of the work").fill("09:40")
    page.get_by_label("Who was involved").fill("Mum")
    page.get_by_label("What happened").fill("Mum rang: the new routine is working.")
    page.get_by_role("button", name="Record this in your Downtime tracker").click()
    expect(page.get_by_text("has been saved in your Downtime tracker")).to_be_visible()

    # A NEW family, from the tracker.
    page.goto(f"{demo_site.url}/continuity/tracker/")
    page.get_by_role("button", name="Add a downtime record").click()
    axe(page)
    page.get_by_label("New family (NEW)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Family second name(s)").fill("Lindqvist")
    page.get_by_label("Main child first name").fill("Elsa")
    page.get_by_label("Main child second name").fill("Lindqvist")
    fill_date(page, "Main child date of birth", 3, 2, 2018)
    page.get_by_label("Address").fill("7 Church Lane, Ashford")
    page.get_by_label("Postcode").fill("TN23 3AB")
    page.get_by_label("Notifier").fill("Health visitor")
    page.get_by_label("Reason for referral").fill("Support with routines after a house move.")
    page.get_by_role("group", name="Restricted record?").get_by_label("No").check()
    axe(page)
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("has been saved in your Downtime tracker")).to_be_visible()

    # A photo to attach, kept with its record.
    photo = tmp_path / "bedroom.png"
    photo.write_bytes(png())
    page.goto(f"{demo_site.url}/continuity/records/start/")
    page.get_by_label("Document or photo to attach").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Thrive ID").fill(case.thrive_id)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What it is").fill("Bedroom after the visit")
    page.get_by_label("Document or photo").set_input_files(str(photo))
    page.get_by_role("group", name="Restricted record?").get_by_label("No").check()
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_test_id("attachment")).to_contain_text("bedroom.png")

    new = DowntimeRecord.objects.exclude(pk__in=already).order_by("pk")
    change, note, family, attachment = list(new)
    assert change.values["fields"]["first_contact_family"] == first_contact.isoformat()

    # Thrive is back. Meanwhile the manager set the first contact date differently.
    readonly.end_read_only(by=_admin())
    case.refresh_from_db()
    services.update_case(
        case,
        by=User.objects.get(username="mgr01"),
        version=case.version,
        fields={"first_contact_family": managers_date},
    )

    # The note and the photo from the re-entry queue, together.
    page.goto(f"{demo_site.url}/continuity/re-entry/")
    axe(page)
    page.locator(f"#apply-{note.pk}").check()
    page.locator(f"#apply-{attachment.pk}").check()
    page.get_by_role("button", name="Apply the selected records to Thrive").click()
    expect(page.get_by_test_id("applied-many").get_by_text("Applied")).to_have_count(2)
    axe(page)

    # The case change: the conflict is shown side by side and chosen.
    page.goto(f"{demo_site.url}/continuity/records/{change.pk}/")
    page.get_by_role("button", name="Apply to Thrive").click()
    expect(page.get_by_test_id("apply-summary")).to_contain_text(uk_date(managers_date))
    expect(page.get_by_test_id("apply-summary")).to_contain_text(uk_date(first_contact))
    axe(page)
    page.get_by_label(f"Use this record’s: {uk_date(first_contact)}").check()
    page.get_by_role("button", name="Apply to Thrive").click()
    expect(page.get_by_text(f"Case {case.thrive_id} has been changed.")).to_be_visible()

    # The NEW family goes to the Early Help team for Ashford.
    page.goto(f"{demo_site.url}/continuity/records/{family.pk}/apply/")
    expect(page.get_by_test_id("apply-outcome")).to_contain_text("Early Help team for Ashford")
    page.get_by_role("button", name="Apply to Thrive").click()
    expect(
        page.get_by_text("The family has been sent to the Early Help team for Ashford")
    ).to_be_visible()

    # The case shows them at their original times; the photo is in the library.
    page.goto(f"{demo_site.url}/cases/{case.thrive_id}/")
    note_entry = page.get_by_test_id("case-note").filter(has_text="the new routine is working")
    expect(note_entry).to_contain_text(f"{uk_date(yesterday)} 09:40")
    expect(note_entry).to_contain_text(f"entered from downtime record {note.pk}")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        f"entered from downtime record {change.pk}"
    )
    expect(page.get_by_text("Bedroom after the visit")).to_be_visible()
    expect(page.get_by_text(uk_date(first_contact), exact=True)).to_be_visible()
    axe(page)

    # Date Entered is filled in the tracker for each applied record.
    page.goto(f"{demo_site.url}/continuity/records/{note.pk}/")
    expect(page.get_by_test_id("entered")).not_to_have_text("Not yet")
    sign_out(page)

    # The Early Help officer refers the family, filled in from the record.
    sign_in(page, demo_site, "ehps01")
    page.goto(f"{demo_site.url}/continuity/re-entry/")
    page.get_by_role("link", name="Lindqvist").click()
    page.get_by_role("button", name="Apply to Thrive").click()
    axe(page)
    page.get_by_label("Commissioned service to refer to").select_option(
        label="Family Matters Ashford (Ashford)"
    )
    page.get_by_role("button", name="Apply to Thrive").click()
    expect(page.get_by_text("has been referred to Family Matters Ashford")).to_be_visible()
    referred = Case.objects.get(family_names="Lindqvist")
    assert referred.status == "awaiting_decision" and referred.postcode == "TN23 3AB"
    for record in (change, note, family, attachment):
        record.refresh_from_db()
        assert record.entered_at is not None
    assert console_errors == []
