"""Downtime records: adding, changing and marking them entered, who may do each, the form's
errors, the stale-save refusal, and which of these stay open in read-only mode."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape

from continuity import readonly, records
from continuity.models import DowntimeRecord, NatureOfWork
from continuity.record_forms import DowntimeRecordForm
from thrive.models import AuditEvent, Membership, Role

from ..factories import ServiceFactory, make_case, person
from .factories import allocated_case, make_record, make_team

NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 30))


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def clinician(db):
    return person(Role.CLINICIAN)


def fields(**overrides):
    return {
        "thrive_id": "new",
        "child_surname": "Smith",
        "child_date_of_birth": date(2019, 6, 10),
        "restricted": False,
        "recorded_at": timezone.now() - timedelta(minutes=5),
        "nature_of_work": NatureOfWork.CONTACT,
        "details": "Phoned mum; agreed a home visit on Friday.",
        "sent_to": None,
        **overrides,
    }


def audited(action, record):
    return AuditEvent.objects.filter(action=action, object_id=str(record.pk))


# --- Adding ---------------------------------------------------------------------------------


def test_a_record_for_a_new_family_is_stored_as_new_for_the_authors_service(team):
    record = records.add_record(by=team.worker, **fields(thrive_id=" new "))

    assert record.thrive_id == "NEW"
    assert record.case is None
    assert record.service == team.service
    assert record.created_by == team.worker
    assert record.downtime is None  # typed up after an outage Thrive could not serve
    assert record.entered_at is None
    [event] = audited("downtime_record_added", record)
    assert event.note == ""


def test_a_record_made_in_read_only_mode_belongs_to_that_downtime(team):
    admin = person(Role.SYSTEM_ADMIN)
    downtime = readonly.start_read_only(by=admin, reason="Thrive is being upgraded.")

    record = records.add_record(by=team.worker, **fields())

    assert record.downtime == downtime


def test_a_thrive_id_is_found_however_typed_and_linked_to_its_case(team):
    case = allocated_case(team)

    record = records.add_record(by=team.worker, **fields(thrive_id=f"kt {case.pk}"))

    assert record.thrive_id == case.thrive_id
    assert record.case == case


@pytest.mark.parametrize("typed", ["", "KT999999", "Smith", "NEW1", "another-service"])
def test_a_thrive_id_the_author_cannot_see_is_refused(team, typed):
    if typed == "another-service":
        typed = make_case(team.other_service).thrive_id

    with pytest.raises(records.RecordRefused, match="Enter a Thrive ID you can see, or NEW") as e:
        records.add_record(by=team.worker, **fields(thrive_id=typed))
    assert e.value.field == "thrive_id"
    assert not DowntimeRecord.objects.exists()


def test_a_case_of_the_service_not_allocated_to_the_worker_is_refused(team):
    case = allocated_case(team, worker=team.colleague)

    with pytest.raises(records.RecordRefused, match="Thrive ID you can see"):
        records.add_record(by=team.worker, **fields(thrive_id=case.thrive_id))


def test_council_staff_and_people_in_several_services_keep_records_without_a_service(team):
    Membership.objects.create(
        user=team.worker, role=Role.SERVICE_WORKER, service=team.other_service
    )

    by_officer = records.add_record(by=team.officer, **fields())
    by_worker_of_two = records.add_record(by=team.worker, **fields())

    assert by_officer.service is None
    assert by_worker_of_two.service is None


def test_a_manager_who_also_works_in_their_service_keeps_records_for_it(team):
    Membership.objects.create(user=team.manager, role=Role.SERVICE_WORKER, service=team.service)

    assert records.add_record(by=team.manager, **fields()).service == team.service


def test_a_restricted_record_cannot_be_sent_to_another_team(team):
    with pytest.raises(records.RecordRefused, match="restricted record cannot be sent") as e:
        records.add_record(by=team.worker, **fields(restricted=True, sent_to=team.other_service))
    assert e.value.field == "sent_to"


def test_a_record_cannot_be_recorded_in_the_future(team):
    with pytest.raises(records.RecordRefused, match="must be now or in the past"):
        records.add_record(
            by=team.worker, **fields(recorded_at=timezone.now() + timedelta(hours=1))
        )


def test_health_partner_people_keep_no_downtime_records(clinician):
    with pytest.raises(records.RecordRefused, match="Only Thrive staff"):
        records.add_record(by=clinician, **fields())


def test_a_record_takes_only_the_fields_the_author_types(team):
    with pytest.raises(TypeError, match="entered_at"):
        records.add_record(by=team.worker, **fields(entered_at=timezone.now()))


# --- Changing -------------------------------------------------------------------------------


def test_the_author_changes_their_record_and_the_audit_names_the_fields_not_their_words(team):
    record = make_record(team.worker)

    records.change_record(
        record,
        by=team.worker,
        version=record.version,
        **fields(child_surname="Smyth", details="Visited the family at home."),
    )

    record.refresh_from_db()
    assert (record.child_surname, record.details) == ("Smyth", "Visited the family at home.")
    assert record.version == 2
    [event] = audited("downtime_record_changed", record)
    assert "Child surname" in event.note and "What was done" in event.note
    assert "Smyth" not in event.note and "Visited" not in event.note


@pytest.mark.parametrize("who", ["manager", "colleague", "officer"])
def test_only_the_author_may_change_a_record(team, who):
    record = make_record(team.worker)

    with pytest.raises(records.RecordRefused, match="Only the person who recorded it"):
        records.change_record(
            record, by=getattr(team, who), version=record.version, **fields(details="Mine")
        )


def test_a_record_marked_as_entered_cannot_be_changed(team):
    record = records.mark_entered(make_record(team.worker), by=team.manager)

    with pytest.raises(records.RecordRefused, match="marked as entered into Thrive"):
        records.change_record(record, by=team.worker, version=record.version, **fields())


def test_a_change_over_a_newer_save_is_refused_with_the_newer_record(team):
    record = make_record(team.worker)
    opened_version = record.version
    records.change_record(
        DowntimeRecord.objects.get(pk=record.pk),
        by=team.worker,
        version=opened_version,
        **fields(child_surname="Smyth"),
    )

    with pytest.raises(records.StaleRecord) as stale:
        records.change_record(
            record, by=team.worker, version=opened_version, **fields(details="Older words")
        )

    assert stale.value.current.child_surname == "Smyth"
    assert DowntimeRecord.objects.get().details != "Older words"


def test_an_unchanged_thrive_id_keeps_its_case_after_the_case_moves_to_a_colleague(team):
    case = allocated_case(team)
    record = make_record(team.worker, case=case)
    case.worker = team.colleague
    case.save()

    records.change_record(
        record,
        by=team.worker,
        version=record.version,
        **fields(thrive_id=case.thrive_id.lower(), details="Corrected"),
    )

    record.refresh_from_db()
    assert record.case == case
    assert record.details == "Corrected"


def test_changing_the_thrive_id_checks_it_again(team):
    record = make_record(team.worker)

    with pytest.raises(records.RecordRefused, match="Thrive ID you can see"):
        records.change_record(record, by=team.worker, version=1, **fields(thrive_id="KT999999"))


# --- Marking as entered ----------------------------------------------------------------------


def test_a_manager_marks_a_colleagues_record_as_entered_and_can_undo_it(team):
    record = make_record(team.worker)

    records.mark_entered(record, by=team.manager)

    assert record.entered_by == team.manager
    assert record.entered_at is not None
    assert not DowntimeRecord.objects.waiting().exists()
    assert audited("downtime_record_entered", record).get().user == team.manager

    records.mark_not_entered(record, by=team.manager)

    assert (record.entered_at, record.entered_by) == (None, None)
    assert DowntimeRecord.objects.waiting().get() == record
    assert audited("downtime_record_entry_undone", record).exists()


def test_a_record_is_marked_entered_once(team):
    record = records.mark_entered(make_record(team.worker), by=team.worker)

    with pytest.raises(records.RecordRefused, match="already been marked"):
        records.mark_entered(record, by=team.manager)
    with pytest.raises(records.RecordRefused, match="has not been marked"):
        records.mark_not_entered(records.mark_not_entered(record, by=team.worker), by=team.worker)


@pytest.mark.parametrize("who", ["colleague", "other_manager", "officer"])
def test_people_who_cannot_see_a_record_cannot_mark_it(team, who):
    record = make_record(team.worker)

    with pytest.raises(records.RecordRefused, match="cannot see"):
        records.mark_entered(record, by=getattr(team, who))
    assert DowntimeRecord.objects.waiting().exists()


def test_a_restricted_record_is_marked_entered_by_its_author_alone(team):
    record = make_record(team.worker, restricted=True)

    with pytest.raises(records.RecordRefused):
        records.mark_entered(record, by=team.manager)
    assert records.mark_entered(record, by=team.worker).entered_at is not None


# --- Who sees a record -----------------------------------------------------------------------


def record_url(name, record):
    return reverse(f"continuity:{name}", args=[record.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),  # the author
        ("manager", 200),  # a manager of the author's service
        ("colleague", 404),  # another worker of the same service
        ("other_manager", 404),
        ("other_worker", 404),
        ("officer", 404),
    ],
)
def test_who_can_open_a_record(client, team, who, status):
    record = make_record(team.worker)
    client.force_login(getattr(team, who))

    assert client.get(record_url("record", record)).status_code == status


def test_a_health_partner_person_cannot_open_a_record(client, team, clinician):
    record = make_record(team.worker)
    client.force_login(clinician)

    assert client.get(record_url("record", record)).status_code == 404
    assert client.get(reverse("continuity:record_add")).status_code == 404


def test_a_restricted_record_is_seen_by_its_author_alone(client, team):
    record = make_record(team.worker, restricted=True)

    client.force_login(team.manager)
    assert client.get(record_url("record", record)).status_code == 404
    client.force_login(team.worker)
    assert client.get(record_url("record", record)).status_code == 200


def test_a_template_referral_is_seen_by_the_receiving_services_managers_only(client, team):
    record = make_record(team.worker, sent_to=team.other_service)

    client.force_login(team.other_manager)
    page = client.get(record_url("record", record))
    assert page.status_code == 200
    assert "Sent to Young Lives Canterbury by Family Matters Ashford" in page.text
    client.force_login(team.other_worker)
    assert client.get(record_url("record", record)).status_code == 404


def test_opening_a_record_is_audited(client, team):
    record = make_record(team.worker)
    client.force_login(team.manager)

    client.get(record_url("record", record))

    assert audited("viewed", record).get().user == team.manager


def test_the_record_page_shows_every_field_and_who_recorded_it(client, team):
    case = allocated_case(team)
    record = make_record(
        team.worker,
        case=case,
        child_surname="Jones",
        child_date_of_birth=date(2010, 4, 12),
        nature_of_work=NatureOfWork.CASE_NOTE,
        details="Case note: school attendance improving.",
    )
    client.force_login(team.worker)

    page = client.get(record_url("record", record)).text

    for text in [
        "Jones",
        "12-Apr-2010",
        "Case note",
        "Case note: school attendance improving.",
        "Will Kerr (Family Matters Ashford)",
        "Not yet",
        reverse("cases:detail", args=[case.thrive_id]),
        "Mark as entered into Thrive",
        reverse("continuity:record_change", args=[record.pk]),
    ]:
        assert text in page


def test_a_manager_sees_no_change_button_on_a_colleagues_record(client, team):
    record = make_record(team.worker)
    client.force_login(team.manager)

    page = client.get(record_url("record", record))

    assert record_url("record_change", record) not in page.text
    assert "Mark as entered into Thrive" in page.text
    assert client.get(record_url("record_change", record)).status_code == 404


def test_a_new_family_offers_an_ehps_officer_refer_a_family(client, team):
    record = make_record(team.officer)
    client.force_login(team.officer)

    page = client.get(record_url("record", record))

    assert reverse("cases:refer") in page.text
    assert "Refer a family" in page.text


def test_a_case_the_viewer_cannot_open_is_not_linked(client, team):
    case = allocated_case(team)
    record = make_record(team.worker, case=case, sent_to=team.other_service)
    client.force_login(team.other_manager)

    page = client.get(record_url("record", record))

    assert reverse("cases:detail", args=[case.thrive_id]) not in page.text
    assert "which you cannot open" in page.text


def test_a_manager_marks_a_record_as_entered_from_its_page_and_undoes_it(client, team):
    record = make_record(team.worker)
    client.force_login(team.manager)

    response = client.post(record_url("record_entered", record))

    assert response["Location"] == record_url("record", record)
    record.refresh_from_db()
    assert record.entered_by == team.manager
    page = client.get(record_url("record", record))
    assert "Undo: not yet entered into Thrive" in page.text
    assert escape(team.manager.full_name) in page.text

    client.post(record_url("record_not_entered", record))

    record.refresh_from_db()
    assert record.entered_at is None


def test_marking_as_entered_needs_a_post(client, team):
    record = make_record(team.worker)
    client.force_login(team.worker)

    assert client.get(record_url("record_entered", record)).status_code == 405
    assert client.get(record_url("record_not_entered", record)).status_code == 405
    record.refresh_from_db()
    assert record.entered_at is None


def test_marking_a_record_entered_twice_says_so(client, team):
    record = records.mark_entered(make_record(team.worker), by=team.worker)
    client.force_login(team.manager)

    page = client.post(record_url("record_entered", record), follow=True)

    assert "already been marked as entered" in page.text
    record.refresh_from_db()
    assert record.entered_by == team.worker


# --- The form -------------------------------------------------------------------------------


def form_data(**overrides):
    return {
        "thrive_id": "NEW",
        "child_surname": "Smith",
        "child_date_of_birth_day": "10",
        "child_date_of_birth_month": "6",
        "child_date_of_birth_year": "2019",
        "restricted": "no",
        "recorded_date_day": "23",
        "recorded_date_month": "11",
        "recorded_date_year": "2026",
        "recorded_time": "09:15",
        "nature_of_work": NatureOfWork.NEW_REFERRAL,
        "details": "New contact from school; progress to referral.",
        "sent_to": "",
        **overrides,
    }


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_add_form_starts_at_now(client, team, at_now):
    client.force_login(team.worker)

    form = client.get(reverse("continuity:record_add")).context["form"]

    assert form.initial["recorded_date"] == date(2026, 11, 23)
    assert form.initial["recorded_time"] == "10:30"


def test_adding_a_record_saves_it_to_the_tracker(client, team, at_now):
    client.force_login(team.worker)

    response = client.post(
        reverse("continuity:record_add"), form_data(sent_to=str(team.other_service.pk))
    )

    assert response["Location"] == reverse("continuity:tracker")
    record = DowntimeRecord.objects.get()
    assert record.thrive_id == "NEW"
    assert record.restricted is False
    assert timezone.localtime(record.recorded_at).strftime("%d/%m/%Y %H:%M") == "23/11/2026 09:15"
    assert record.sent_to == team.other_service
    assert record.service == team.service


def test_the_form_takes_a_visible_thrive_id_however_typed(client, team, at_now):
    case = allocated_case(team)
    client.force_login(team.worker)

    client.post(reverse("continuity:record_add"), form_data(thrive_id=f"kt{case.pk}"))

    assert DowntimeRecord.objects.get().case == case


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"thrive_id": "KT999999"}, "Enter a Thrive ID you can see, or NEW"),
        ({"thrive_id": "another-service"}, "Enter a Thrive ID you can see, or NEW"),
        ({"thrive_id": ""}, "Enter the Thrive ID, or NEW"),
        ({"child_surname": ""}, "Enter the child’s surname"),
        ({"child_date_of_birth_year": "2027"}, "Child date of birth must be today or in the past"),
        ({"restricted": ""}, "Select yes if this is a restricted record"),
        ({"recorded_date_day": "24"}, "Date information recorded must be today or in the past"),
        ({"recorded_time": "11:00"}, "Date &amp; Time Information Recorded must be now or in"),
        ({"recorded_time": "25:00"}, "Enter a time on the 24-hour clock, like 14:30"),
        ({"recorded_time": ""}, "Enter the time the information was recorded"),
        ({"nature_of_work": ""}, "Select the nature of work undertaken"),
        ({"details": ""}, "Enter what was done"),
        ({"restricted": "yes", "sent_to": "other"}, "A restricted record cannot be sent"),
    ],
)
def test_the_form_names_each_problem(client, team, at_now, overrides, message):
    if overrides.get("thrive_id") == "another-service":
        overrides["thrive_id"] = make_case(team.other_service).thrive_id
    if overrides.get("sent_to") == "other":
        overrides["sent_to"] = str(team.other_service.pk)
    client.force_login(team.worker)

    page = client.post(reverse("continuity:record_add"), form_data(**overrides))

    assert page.status_code == 200
    assert message in page.text
    assert "There is a problem" in page.text
    assert not DowntimeRecord.objects.exists()


def change_data(record, **overrides):
    local = timezone.localtime(record.recorded_at)
    as_shown = {
        "thrive_id": record.thrive_id,
        "child_surname": record.child_surname,
        "recorded_date_day": str(local.day),
        "recorded_date_month": str(local.month),
        "recorded_date_year": str(local.year),
        "recorded_time": f"{local:%H:%M}",
        "details": record.details,
    }
    return form_data(**{**as_shown, **overrides})


def test_the_author_changes_a_record_from_its_page(client, team):
    record = make_record(team.worker)
    client.force_login(team.worker)
    form = client.get(record_url("record_change", record)).context["form"]

    response = client.post(
        record_url("record_change", record),
        change_data(
            record,
            version=form.initial["version"],
            snapshot=form.initial["snapshot"],
            child_surname="Smyth",
        ),
    )

    assert response["Location"] == record_url("record", record)
    assert DowntimeRecord.objects.get().child_surname == "Smyth"


def test_a_stale_change_is_refused_keeping_the_input_and_showing_the_newer_change(client, team):
    record = make_record(team.worker)
    client.force_login(team.worker)
    opened = client.get(record_url("record_change", record)).context["form"]
    # Meanwhile, in another window:
    records.change_record(
        DowntimeRecord.objects.get(pk=record.pk),
        by=team.worker,
        version=record.version,
        child_surname="Smyth",
    )
    data = change_data(
        record,
        version=opened.initial["version"],
        snapshot=opened.initial["snapshot"],
        details="My new words from the first window",
    )

    page = client.post(record_url("record_change", record), data)

    assert page.status_code == 200
    assert "You changed this record at" in page.text
    assert "Child surname: was Smith, now Smyth" in page.text
    assert "My new words from the first window" in page.text
    assert DowntimeRecord.objects.get().details != "My new words from the first window"
    # Having seen it, saving again goes through.
    again = page.context["form"].data
    response = client.post(
        record_url("record_change", record),
        {**data, "version": again["version"], "snapshot": again["snapshot"]},
    )
    assert response.status_code == 302
    assert DowntimeRecord.objects.get().details == "My new words from the first window"


def test_a_record_entered_meanwhile_is_not_changed(client, team):
    record = make_record(team.worker)
    client.force_login(team.worker)
    opened = client.get(record_url("record_change", record)).context["form"]
    records.mark_entered(record, by=team.manager)

    page = client.post(
        record_url("record_change", record),
        change_data(record, version=opened.initial["version"], details="Too late"),
        follow=True,
    )

    assert "marked as entered into Thrive" in page.text
    assert DowntimeRecord.objects.get().details != "Too late"


# --- Read-only mode --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("record_add", True),
        ("record_change", True),
        ("record_entered", False),
        ("record_not_entered", False),
        ("record", False),
    ],
)
def test_adding_and_changing_records_stay_open_in_read_only_mode(url_name, allowed):
    url = reverse(f"continuity:{url_name}", **({} if url_name == "record_add" else {"args": [1]}))

    view = resolve(url).func

    assert getattr(view, "allowed_in_read_only", False) is allowed


def test_in_read_only_mode_records_are_added_but_not_marked_entered(client, team):
    record = make_record(team.worker)
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Thrive is being upgraded.")
    client.force_login(team.worker)

    added = client.post(
        reverse("continuity:record_add"),
        form_data(
            recorded_date_day=str(timezone.localdate().day),
            recorded_date_month=str(timezone.localdate().month),
            recorded_date_year=str(timezone.localdate().year),
            recorded_time="00:00",
        ),
    )
    entered = client.post(record_url("record_entered", record))

    assert added.status_code == 302
    assert DowntimeRecord.objects.count() == 2
    assert entered.status_code != 302
    record.refresh_from_db()
    assert record.entered_at is None


def test_a_template_referral_may_go_to_any_commissioned_service(team):
    ServiceFactory(name="Zed Service")

    form = DowntimeRecordForm(user=team.worker)

    labels = [label for _, label in form.fields["sent_to"].choices]
    assert labels[0] == "Do not send"
    assert "Young Lives Canterbury (Canterbury)" in labels
    assert "Zed Service (Ashford)" in labels
