"""Applying downtime records to Thrive: every kind goes through the live service functions,
says where it came from, sets Date Entered, enters once however often it is applied, and is
refused for the wrong person, in the wrong state, or over a conflicting change."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from cases import services
from cases.models import Case, CaseNote
from continuity import applying, readonly, records
from continuity.models import DowntimeAttachment, RecordKind
from documents.models import Document
from thrive.models import AuditEvent, Role

from ..documents.corpus import png
from ..factories import person
from .conftest import NOW
from .factories import (
    change_values,
    family_values,
    make_record,
    make_structured,
    note_values,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def source(record):
    return f"downtime record {record.pk}, recorded at 23-Nov-2026 13:00 by Will Kerr"


# --- Case notes and contacts ----------------------------------------------------------------


def test_a_note_record_becomes_a_case_note_at_its_original_time(team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)

    applying.apply_record(record, by=team.worker)

    note = CaseNote.objects.get(case=case)
    assert note.happened_at == NOW - timedelta(hours=3)
    assert note.text == "Agreed a morning routine chart." and note.who == "Mum"
    assert note.entered_from == source(record)
    event = AuditEvent.objects.get(action="case_note_added")
    assert event.note == f"case note {note.pk}; entered from {source(record)}"
    record.refresh_from_db()
    assert record.entered_at == NOW and record.entered_by == team.worker and record.applied


def test_applying_twice_enters_once(client, team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    client.force_login(team.worker)
    url = reverse("continuity:record_apply", args=[record.pk])

    client.post(url, {"case_version": case.version})
    again = client.post(url, {"case_version": case.version})

    assert CaseNote.objects.count() == 1
    assert "already been entered" in again.text
    with pytest.raises(records.RecordRefused, match="already been entered"):
        applying.apply_record(record, by=team.worker)


def test_an_applied_record_cannot_be_put_back_in_the_queue(team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    applying.apply_record(record, by=team.worker)
    record.refresh_from_db()

    with pytest.raises(records.RecordRefused, match="correct the case itself"):
        records.mark_not_entered(record, by=team.worker)


# --- Changes to case information ------------------------------------------------------------


def test_a_case_change_writes_only_what_it_changed_and_says_where_from(team, case):
    record = make_structured(
        team.worker,
        RecordKind.CASE_CHANGE,
        change_values(case, first_contact_family="2026-11-20"),
        case=case,
    )
    # Meanwhile, once Thrive was back, the manager corrected the notifier.
    services.update_case(case, by=team.manager, version=case.version, fields={"notifier": "GP"})

    applying.apply_record(record, by=team.worker)

    case.refresh_from_db()
    assert case.first_contact_family == date(2026, 11, 20)
    assert case.notifier == "GP"  # not put back to what the record's form held
    event = AuditEvent.objects.filter(action="case_updated").first()
    assert event.note == f"entered from {source(record)}: Date of first contact with family"


def test_a_field_the_case_changed_differently_since_needs_a_choice(team, case):
    record = make_structured(
        team.worker,
        RecordKind.CASE_CHANGE,
        change_values(case, first_contact_family="2026-11-20"),
        case=case,
    )
    case = services.update_case(
        case,
        by=team.manager,
        version=case.version,
        fields={"first_contact_family": date(2026, 11, 21)},
    )

    plan = applying.preview(record, by=team.worker)
    [row] = plan.rows
    assert (row.now, row.sets, row.conflict) == ("21-Nov-2026", "20-Nov-2026", True)
    with pytest.raises(applying.NeedsChoice) as raised:
        applying.apply_record(record, by=team.worker)
    assert raised.value.conflicts == ["first_contact_family"]
    record.refresh_from_db()
    assert record.entered_at is None


@pytest.mark.parametrize(
    ("choice", "kept"), [("record", date(2026, 11, 20)), ("case", date(2026, 11, 21))]
)
def test_the_person_chooses_which_value_the_case_keeps(team, case, choice, kept):
    record = make_structured(
        team.worker,
        RecordKind.CASE_CHANGE,
        change_values(case, first_contact_family="2026-11-20"),
        case=case,
    )
    services.update_case(
        case,
        by=team.manager,
        version=case.version,
        fields={"first_contact_family": date(2026, 11, 21)},
    )

    applying.apply_record(record, by=team.worker, choices={"first_contact_family": choice})

    case.refresh_from_db()
    assert case.first_contact_family == kept
    record.refresh_from_db()
    assert record.entered_at == NOW


def test_a_case_saved_while_the_person_was_checking_is_refused_as_stale(team, case):
    record = make_structured(
        team.worker, RecordKind.CASE_CHANGE, change_values(case, postcode="TN24 0AA"), case=case
    )
    shown_version = case.version
    services.update_case(case, by=team.manager, version=case.version, fields={"notifier": "GP"})

    with pytest.raises(services.StaleCase):
        applying.apply_record(record, by=team.worker, case_version=shown_version)
    assert Case.objects.get(pk=case.pk).postcode == "TN23 1AA"


def test_the_check_page_shows_the_case_now_beside_the_record(client, team, case):
    record = make_structured(
        team.worker, RecordKind.CASE_CHANGE, change_values(case, postcode="TN24 0AA"), case=case
    )
    client.force_login(team.worker)

    page = client.get(reverse("continuity:record_apply", args=[record.pk]))

    assert "The case now" in page.text and "This record sets" in page.text
    assert "TN23 1AA" in page.text and "TN24 0AA" in page.text
    assert "Apply to Thrive" in page.text


def test_a_conflict_on_the_page_is_shown_with_both_values_to_choose(client, team, case):
    record = make_structured(
        team.worker, RecordKind.CASE_CHANGE, change_values(case, postcode="TN24 0AA"), case=case
    )
    case = services.update_case(
        case, by=team.manager, version=case.version, fields={"postcode": "TN25 5ZZ"}
    )
    client.force_login(team.worker)
    url = reverse("continuity:record_apply", args=[record.pk])

    page = client.post(url, {"case_version": case.version})
    assert "Choose which value to keep" in page.text
    assert "Keep the case’s: TN25 5ZZ" in page.text and "Use this record’s: TN24 0AA" in page.text

    client.post(url, {"case_version": case.version, "choice-postcode": "record"})
    assert Case.objects.get(pk=case.pk).postcode == "TN24 0AA"


# --- Refusals: who, and when ----------------------------------------------------------------


def test_a_manager_applies_an_absent_colleagues_record(team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)

    applying.apply_record(record, by=team.manager)

    assert CaseNote.objects.get().created_by == team.manager
    record.refresh_from_db()
    assert record.entered_by == team.manager


@pytest.mark.parametrize("who", ["colleague", "other_manager", "officer"])
def test_people_who_cannot_see_the_record_cannot_apply_it(team, case, who):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)

    with pytest.raises(records.RecordRefused, match="cannot see"):
        applying.apply_record(record, by=getattr(team, who))
    assert not CaseNote.objects.exists()


def test_a_restricted_record_is_applied_by_its_author_alone(team, case):
    record = make_structured(
        team.worker, RecordKind.NOTE, note_values(), case=case, restricted=True
    )

    with pytest.raises(records.RecordRefused):
        applying.apply_record(record, by=team.manager)
    applying.apply_record(record, by=team.worker)
    assert CaseNote.objects.count() == 1


def test_a_worker_no_longer_on_the_case_cannot_apply_to_it(team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    services.allocate_worker(
        case,
        by=team.manager,
        version=case.version,
        worker=team.colleague,
        date_appointed=NOW.date(),
    )

    with pytest.raises(records.RecordRefused, match="cannot open case"):
        applying.apply_record(record, by=team.worker)


def test_nothing_is_applied_to_an_archived_case(team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    Case.objects.filter(pk=case.pk).update(status="closed", archived_at=NOW)

    with pytest.raises(records.RecordRefused, match="archived"):
        applying.apply_record(record, by=team.manager)


def test_nothing_is_applied_while_thrive_is_read_only(client, team, case):
    record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")

    with pytest.raises(records.RecordRefused, match="read-only"):
        applying.apply_record(record, by=team.worker)
    client.force_login(team.worker)
    assert client.post(reverse("continuity:record_apply", args=[record.pk])).status_code == 503
    assert not CaseNote.objects.exists()


def test_a_free_text_record_is_entered_by_hand(team, case):
    record = make_record(team.worker, case=case)

    with pytest.raises(records.RecordRefused, match="by hand"):
        applying.apply_record(record, by=team.worker)


# --- New families -------------------------------------------------------------------------


def test_a_services_new_family_goes_to_the_early_help_team_of_its_district(team, committed):
    team.officer.email = "eve@example.org"
    team.officer.save()
    record = make_structured(team.worker, RecordKind.NEW_FAMILY, family_values())

    committed(applying.apply_record, record, by=team.worker)

    record.refresh_from_db()
    assert record.sent_to_district == team.service.district and record.entered_at is None
    [email] = mail.outbox
    assert email.to == ["eve@example.org"] and "Finch" not in email.body
    with pytest.raises(records.RecordRefused, match="already been sent"):
        applying.apply_record(record, by=team.worker)


def test_the_early_help_officer_refers_the_family_from_the_record(team):
    record = make_structured(team.worker, RecordKind.NEW_FAMILY, family_values())
    applying.apply_record(record, by=team.worker)

    applying.apply_record(record, by=team.officer)

    referred = Case.objects.get()
    assert referred.service == team.service and referred.referred_by == team.officer
    assert referred.family_names == "Finch" and referred.child_date_of_birth == date(2020, 5, 4)
    record.refresh_from_db()
    assert record.case == referred and record.thrive_id == referred.thrive_id
    assert record.entered_at == NOW
    event = AuditEvent.objects.get(action="case_referred")
    assert event.note == f"entered from {source(record)}"


def test_an_officers_own_new_family_is_referred_to_the_service_chosen(team):
    record = make_structured(
        team.officer, RecordKind.NEW_FAMILY, family_values(service=team.service)
    )

    applying.apply_record(record, by=team.officer)

    assert Case.objects.get().service == team.service


def test_a_restricted_new_family_is_not_sent_to_another_team(team):
    record = make_structured(team.worker, RecordKind.NEW_FAMILY, family_values(), restricted=True)

    with pytest.raises(records.RecordRefused, match="restricted record cannot be sent"):
        applying.apply_record(record, by=team.worker)


def test_an_officer_of_another_district_cannot_refer_it(team):
    record = make_structured(team.worker, RecordKind.NEW_FAMILY, family_values())
    applying.apply_record(record, by=team.worker)
    from thrive.models import District

    elsewhere = person(Role.EHPS_OFFICER, district=District.CANTERBURY)

    with pytest.raises(records.RecordRefused, match="cannot see"):
        applying.apply_record(record, by=elsewhere)


# --- Attachments ----------------------------------------------------------------------------


def _attachment_record(team, case, *, title="Photo", name="photo.png"):
    """A photo kept with a downtime record, as adding the record stores it."""
    record = make_structured(team.worker, RecordKind.ATTACHMENT, {"title": title}, case=case)
    stored = default_storage.save("downtime-records/2026/11/photo", ContentFile(png()))
    DowntimeAttachment.objects.create(
        record=record,
        stored_name=stored,
        original_name=name,
        kind="image",
        content_type="image/png",
        size=1,
        sha256="x",
    )
    return record


def test_a_photo_goes_into_the_case_document_library(team, case, media, committed):
    record = _attachment_record(team, case, title="Bedroom after the visit", name="bedroom.png")
    stored = record.attachment.stored_name

    committed(applying.apply_record, record, by=team.worker)

    document = Document.objects.get(case=case)
    assert document.name == f"{case.thrive_id}-231126-Bedroom.png"  # the naming convention
    assert document.title == "Bedroom after the visit"
    assert DowntimeAttachment.objects.get().document == document
    assert not default_storage.exists(stored)  # the downtime copy is gone once it is in
    uploaded = AuditEvent.objects.get(action="document_uploaded")
    assert uploaded.note.startswith(f"entered from downtime record {record.pk}, recorded at ")


# --- The re-entry queue ---------------------------------------------------------------------


def test_the_queue_applies_several_and_leaves_a_conflicting_one_waiting(client, team, case):
    note = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    change = make_structured(
        team.worker, RecordKind.CASE_CHANGE, change_values(case, postcode="TN24 0AA"), case=case
    )
    conflicting = make_structured(
        team.worker,
        RecordKind.CASE_CHANGE,
        change_values(case, notifier="Health visitor"),
        case=case,
    )
    services.update_case(case, by=team.manager, version=case.version, fields={"notifier": "GP"})
    free_text = make_record(team.worker, case=case)
    client.force_login(team.worker)

    page = client.post(
        reverse("continuity:records_apply"),
        {"record": [note.pk, change.pk, conflicting.pk, free_text.pk]},
    )

    results = {r["record"].pk: r for r in page.context["results"]}
    assert results[note.pk]["applied"] and results[change.pk]["applied"]
    assert not results[conflicting.pk]["applied"]
    assert "open the record to choose" in results[conflicting.pk]["message"]
    assert "by hand" in results[free_text.pk]["message"]
    case.refresh_from_db()
    assert case.postcode == "TN24 0AA" and case.notifier == "GP"
    assert CaseNote.objects.count() == 1


def test_an_attachment_record_without_its_file_is_refused_with_the_reason(client, team, case):
    record = make_structured(team.worker, RecordKind.ATTACHMENT, {"title": "Letter"}, case=case)
    client.force_login(team.worker)

    page = client.get(reverse("continuity:record_apply", args=[record.pk]))

    assert "is missing: upload it by hand" in page.text
    with pytest.raises(records.RecordRefused, match="missing"):
        applying.apply_record(record, by=team.worker)


@pytest.mark.parametrize("kind", ["note", "case_change", "attachment", "new_family"])
def test_every_kind_applied_twice_is_entered_once(team, case, media, committed, kind):
    if kind == "note":
        record = make_structured(team.worker, RecordKind.NOTE, note_values(), case=case)
    elif kind == "case_change":
        values = change_values(case, postcode="TN24 0AA")
        record = make_structured(team.worker, RecordKind.CASE_CHANGE, values, case=case)
    elif kind == "attachment":
        record = _attachment_record(team, case)
    else:
        values = family_values(service=team.service)
        record = make_structured(team.officer, RecordKind.NEW_FAMILY, values)
    author = record.created_by
    committed(applying.apply_record, record, by=author)
    changes = AuditEvent.objects.exclude(action__in=["viewed", "downtime_record_added"]).count()

    with pytest.raises(records.RecordRefused, match="already been entered"):
        applying.apply_record(record, by=author)

    assert AuditEvent.objects.exclude(action__in=["viewed", "downtime_record_added"]).count() == (
        changes
    )
    assert CaseNote.objects.count() == (1 if kind == "note" else 0)
    assert Document.objects.count() == (1 if kind == "attachment" else 0)
    assert Case.objects.count() == (2 if kind == "new_family" else 1)
