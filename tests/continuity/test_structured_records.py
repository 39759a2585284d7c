"""Structured downtime records: each kind asks what Thrive will need, with the live form's own
checks, keeps it as values, and stays open in read-only mode."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import KeyReason
from continuity import readonly
from continuity.models import DowntimeAttachment, DowntimeRecord, NatureOfWork, RecordKind
from thrive.models import Role

from ..documents.corpus import png
from ..factories import person
from .factories import allocated_case

pytestmark = pytest.mark.usefixtures("frozen_clock")


def about(**overrides):
    return {
        "recorded_date_day": "23",
        "recorded_date_month": "11",
        "recorded_date_year": "2026",
        "recorded_time": "11:05",
        "restricted": "no",
        **overrides,
    }


def note_data(**overrides):
    return {
        "work-kind": "home_visit",
        "work-happened_date_day": "23",
        "work-happened_date_month": "11",
        "work-happened_date_year": "2026",
        "work-happened_time": "10:15",
        "work-who": "Mum",
        "work-text": "Agreed a morning routine chart.",
        **about(),
        **overrides,
    }


def edit_data(case, **overrides):
    """The case's Edit form as it opens (prefixed as in a record), with `overrides` typed."""
    data = {
        "work-version": str(case.version),
        "work-family_names": case.family_names,
        "work-child_first_name": case.child_first_name,
        "work-child_last_name": case.child_last_name,
        "work-child_date_of_birth_day": str(case.child_date_of_birth.day),
        "work-child_date_of_birth_month": str(case.child_date_of_birth.month),
        "work-child_date_of_birth_year": str(case.child_date_of_birth.year),
        "work-other_children": case.other_children,
        "work-address": case.address,
        "work-postcode": case.postcode,
        "work-notifier": case.notifier,
        "work-reason_for_referral": case.reason_for_referral,
        "work-date_referred_day": str(case.date_referred.day),
        "work-date_referred_month": str(case.date_referred.month),
        "work-date_referred_year": str(case.date_referred.year),
    }
    data.update(overrides)
    return data


def family_data(**overrides):
    return {
        "work-family_names": "Finch",
        "work-child_first_name": "Robin",
        "work-child_last_name": "Finch",
        "work-child_date_of_birth_day": "4",
        "work-child_date_of_birth_month": "5",
        "work-child_date_of_birth_year": "2020",
        "work-address": "2 Mill Lane, Ashford",
        "work-postcode": "tn23 4bb",
        "work-notifier": "School nurse",
        "work-reason_for_referral": "Parenting support",
        "work-date_referred_day": "23",
        "work-date_referred_month": "11",
        "work-date_referred_year": "2026",
        **about(),
        **overrides,
    }


def add_url(kind, case=None):
    url = reverse("continuity:record_add_kind", args=[kind])
    return f"{url}?case={case.thrive_id}" if case else url


def test_a_case_note_record_keeps_the_note_and_fills_the_tracker_from_the_case(client, team, case):
    client.force_login(team.worker)

    response = client.post(add_url("note", case), note_data())

    record = DowntimeRecord.objects.get()
    assert response.url == reverse("continuity:record", args=[record.pk])
    assert record.kind == RecordKind.NOTE and record.case == case
    assert record.thrive_id == case.thrive_id and record.child_surname == case.child_last_name
    assert record.nature_of_work == NatureOfWork.CONTACT
    assert record.values["text"] == "Agreed a morning routine chart."
    assert record.values["happened_at"].startswith("2026-11-23T10:15")
    assert record.details == "Home visit with Mum: Agreed a morning routine chart."
    assert timezone.localtime(record.recorded_at).strftime("%H:%M") == "11:05"


def test_a_note_record_is_checked_as_a_live_note_is(client, team, case):
    client.force_login(team.worker)

    page = client.post(add_url("note", case), note_data(**{"work-text": "", "work-kind": ""}))

    assert page.status_code == 200
    assert page.context["work"].errors.keys() == {"kind", "text"}
    assert not DowntimeRecord.objects.exists()


def test_a_case_change_record_keeps_the_new_values_and_what_the_case_held(client, team, case):
    reason = KeyReason.objects.get_or_create(name="Parenting")[0]
    client.force_login(team.worker)

    client.post(
        add_url("case_change", case),
        {
            **edit_data(
                case,
                **{
                    "work-first_contact_family_day": "20",
                    "work-first_contact_family_month": "11",
                    "work-first_contact_family_year": "2026",
                    "work-key_reasons": [str(reason.pk)],
                },
            ),
            **about(),
        },
    )

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.CASE_CHANGE
    assert record.values["fields"]["first_contact_family"] == "2026-11-20"
    assert record.values["base"]["first_contact_family"] is None
    assert record.values["key_reasons"] == [reason.pk]
    assert record.values["version"] == case.version
    assert "Date of first contact with family: 20-Nov-2026" in record.details
    assert "Key reasons for support: Parenting" in record.details


def test_a_case_change_record_is_refused_as_the_live_edit_would_be(client, team, case):
    client.force_login(team.worker)

    page = client.post(
        add_url("case_change", case),
        {**edit_data(case, **{"work-postcode": "nowhere", "work-child_first_name": ""}), **about()},
    )

    assert page.status_code == 200
    assert {"postcode", "child_first_name"} <= set(page.context["work"].errors)
    assert not DowntimeRecord.objects.exists()


def test_a_case_kind_needs_a_case_the_person_can_see(client, team):
    other_case = allocated_case(team, worker=team.colleague)
    client.force_login(team.worker)

    page = client.get(add_url("note", other_case))

    assert page.status_code == 200
    assert "Enter a Thrive ID you can see" in page.text
    assert page.templates[0].name == "continuity/records/choose_case.html"


def test_a_workers_new_family_keeps_the_referral_without_a_service(client, team):
    client.force_login(team.worker)

    client.post(add_url("new_family"), family_data())

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.NEW_FAMILY and record.thrive_id == "NEW"
    assert record.child_surname == "Finch" and record.child_date_of_birth == date(2020, 5, 4)
    assert record.values["service"] is None
    assert record.values["fields"]["postcode"] == "TN23 4BB"
    assert record.nature_of_work == NatureOfWork.NEW_REFERRAL


def test_an_officers_new_family_names_the_service_to_refer_to(client, team):
    client.force_login(team.officer)

    page = client.post(add_url("new_family"), family_data())
    assert "Choose the commissioned service to refer to" in page.text

    client.post(add_url("new_family"), family_data(**{"work-service": str(team.service.pk)}))
    assert DowntimeRecord.objects.get().values["service"] == team.service.pk


def test_a_new_family_date_referred_cannot_be_before_the_birth(client, team):
    client.force_login(team.worker)

    page = client.post(add_url("new_family"), family_data(**{"work-date_referred_year": "2019"}))

    assert "Date referred must be after the child’s date of birth" in page.text


def test_a_photo_is_kept_with_its_record_after_the_upload_checks(client, team, case, media):
    client.force_login(team.worker)

    client.post(
        add_url("attachment", case),
        {
            "work-title": "Bedroom after the visit",
            "work-file": SimpleUploadedFile("bedroom.png", png(), "image/png"),
            **about(),
        },
    )

    attachment = DowntimeAttachment.objects.get()
    assert attachment.record.kind == RecordKind.ATTACHMENT
    assert attachment.kind == "image" and attachment.original_name == "bedroom.png"
    assert attachment.stored_name.startswith("downtime-records/")
    assert (media / attachment.stored_name).exists()


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_kept(client, team, case, media):
    client.force_login(team.worker)

    page = client.post(
        add_url("attachment", case),
        {
            "work-title": "Letter",
            "work-file": SimpleUploadedFile("letter.png", b"just text, not a picture", "image/png"),
            **about(),
        },
    )

    assert page.status_code == 200 and page.context["work"].errors["file"]
    assert not DowntimeRecord.objects.exists()
    assert not list(media.rglob("*.*"))


def test_structured_records_are_kept_in_read_only_mode(client, team, case):
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")
    client.force_login(team.worker)

    response = client.post(add_url("note", case), note_data())

    assert response.status_code == 302
    assert DowntimeRecord.objects.get().downtime is not None


def test_the_author_corrects_a_structured_record(client, team, case):
    client.force_login(team.worker)
    client.post(add_url("note", case), note_data())
    record = DowntimeRecord.objects.get()
    form_page = client.get(reverse("continuity:record_change", args=[record.pk]))
    assert form_page.url == reverse("continuity:record_change_kind", args=[record.pk])

    page = client.get(form_page.url)
    assert "Agreed a morning routine chart." in page.text
    client.post(
        form_page.url, {**note_data(**{"work-text": "Corrected"}), "version": record.version}
    )

    record.refresh_from_db()
    assert record.values["text"] == "Corrected" and record.version == 2


def test_the_kind_chooser_sends_free_text_to_the_free_text_form(client, team):
    client.force_login(team.worker)

    assert client.get(reverse("continuity:record_start"), {"kind": "free_text"}).url == reverse(
        "continuity:record_add"
    )
    assert client.get(reverse("continuity:record_start"), {"kind": "note"}).url == add_url("note")
