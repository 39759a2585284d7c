"""Records of every kind kept in the offline tracker: each is checked by its kind's own form
when it arrives and added as that kind, ready to apply; what the form refuses is kept as free
text for the author to correct; each is added once however often it is sent."""

import uuid
from datetime import date

import pytest

from cases.models import Case, CaseNote
from continuity import applying
from continuity.models import DowntimeRecord, NatureOfWork, RecordKind

from .test_offline import send

pytestmark = pytest.mark.usefixtures("frozen_clock")


def about(fields, overrides):
    """What every offline record holds besides its kind's own fields, with `overrides`."""
    return {
        "restricted": False,
        "recorded_date": "2026-11-23",
        "recorded_time": "10:30",
        **fields,
        **overrides,
    }


def note(case, **overrides):
    return about(
        {
            "thrive_id": case.thrive_id,
            "note_kind": "phone_call",
            "happened_date": "2026-11-23",
            "happened_time": "10:05",
            "who": "Mum",
            "note_text": "Rang from the car park: the building has no signal.",
        },
        overrides,
    )


def change(case, **overrides):
    return about(
        {
            "thrive_id": case.thrive_id.lower(),
            "change_field": "first_contact_family",
            "change_date": "2026-11-20",
        },
        overrides,
    )


def family(**overrides):
    return about(
        {
            "nf_family_names": "Finch",
            "nf_child_first_name": "Robin",
            "nf_child_last_name": "Finch",
            "nf_child_date_of_birth": "2020-05-04",
            "nf_other_children": "",
            "nf_address": "2 Mill Lane, Ashford",
            "nf_postcode": "tn23 4bb",
            "nf_notifier": "School nurse",
            "nf_reason_for_referral": "Parenting support",
            "nf_date_referred": "2026-11-23",
        },
        overrides,
    )


def test_an_offline_contact_arrives_as_a_case_note_record_ready_to_apply(client, team, case):
    client.force_login(team.worker)

    response = send(client, team.worker, note(case), kind="note")

    assert response.status_code == 201 and response.json()["problems"] == []
    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.NOTE and record.case == case
    assert record.nature_of_work == NatureOfWork.CONTACT
    assert record.values["happened_at"].startswith("2026-11-23T10:05")
    applying.apply_record(record, by=team.worker)
    assert CaseNote.objects.get(case=case).who == "Mum"


def test_an_offline_case_change_is_checked_against_the_case_as_it_arrives(client, team, case):
    client.force_login(team.worker)

    send(client, team.worker, change(case), kind="case_change")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.CASE_CHANGE
    assert record.details == "Date of first contact with family: 20-Nov-2026"
    applying.apply_record(record, by=team.worker)
    case.refresh_from_db()
    assert case.first_contact_family == date(2026, 11, 20) and case.postcode == "TN23 1AA"


def test_an_offline_postcode_change_is_checked_as_the_live_edit_checks_it(client, team, case):
    client.force_login(team.worker)

    response = send(
        client,
        team.worker,
        change(case, change_field="postcode", change_text="not a postcode"),
        kind="case_change",
    )

    assert response.json()["problems"]
    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.FREE_TEXT and record.case == case
    assert "Postcode" in record.details and "not a postcode" in record.details


def test_an_offline_new_family_arrives_as_a_new_family_record(client, team):
    client.force_login(team.worker)

    send(client, team.worker, family(), kind="new_family")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.NEW_FAMILY and record.thrive_id == "NEW"
    assert record.values["fields"]["postcode"] == "TN23 4BB"
    applying.apply_record(record, by=team.worker)  # sent to the Early Help team
    applying.apply_record(record, by=team.officer, service=team.service)
    assert Case.objects.get().family_names == "Finch"


def test_an_officers_offline_new_family_is_referred_to_the_service_chosen_when_applied(
    client, team
):
    client.force_login(team.officer)

    send(client, team.officer, family(), kind="new_family")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.NEW_FAMILY and record.values["service"] is None
    applying.apply_record(record, by=team.officer, service=team.service)
    assert Case.objects.get().service == team.service


def test_an_offline_note_for_a_case_the_author_cannot_see_is_kept_as_free_text(client, team, case):
    client.force_login(team.other_worker)

    response = send(client, team.other_worker, note(case), kind="note")

    assert response.status_code == 201 and response.json()["problems"]
    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.FREE_TEXT and record.case is None
    assert "Rang from the car park" in record.details
    assert f"The Thrive ID typed was “{case.thrive_id}”" in record.details


def test_an_offline_note_missing_its_text_is_kept_with_what_to_check(client, team, case):
    client.force_login(team.worker)

    send(client, team.worker, note(case, note_text="", happened_time="09:99"), kind="note")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.FREE_TEXT
    assert "What happened: Enter what happened" in record.details
    assert "Time of the work" in record.details


@pytest.mark.parametrize("kind", ["note", "case_change", "new_family"])
def test_every_offline_kind_sent_twice_is_added_once(client, team, case, kind):
    client.force_login(team.worker)
    fields = {"note": note(case), "case_change": change(case), "new_family": family()}[kind]
    key = uuid.uuid4()

    first = send(client, team.worker, fields, key=key, kind=kind)
    again = send(client, team.worker, fields, key=key, kind=kind)

    assert (first.status_code, again.status_code) == (201, 200)
    assert DowntimeRecord.objects.get().kind == kind


def test_a_restricted_offline_note_stays_its_authors(client, team, case):
    client.force_login(team.worker)

    send(client, team.worker, note(case, restricted=True), kind="note")

    assert DowntimeRecord.objects.get().restricted
    assert not DowntimeRecord.objects.visible_to(team.manager).exists()


def decision(case, **overrides):
    return about(
        {
            "thrive_id": case.thrive_id,
            "response_date": "2026-11-20",
            "progressing": "yes",
            "decline_reason": "",
            "waiting_list": "no",
            "predicted_start_date": "",
            "worker": "",
            "date_appointed": "",
        },
        overrides,
    )


@pytest.fixture
def awaiting(team):
    from ..factories import make_case

    return make_case(team.service, referred_by=team.officer)


def test_a_managers_offline_decision_arrives_as_a_decision_record(client, team, awaiting):
    client.force_login(team.manager)

    send(
        client,
        team.manager,
        decision(awaiting, worker=str(team.worker.pk), date_appointed="2026-11-21"),
        kind="decision",
    )

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.DECISION and record.case == awaiting
    assert record.values["fields"]["worker"] == team.worker.pk
    applying.apply_record(record, by=team.manager)
    assert Case.objects.get(pk=awaiting.pk).worker == team.worker


def test_an_offline_decision_the_live_form_refuses_is_kept_as_free_text(client, team, awaiting):
    client.force_login(team.manager)

    send(client, team.manager, decision(awaiting, progressing="no"), kind="decision")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.FREE_TEXT and record.nature_of_work == "decision"
    assert "Enter the reason for declining the case" in record.details


def test_a_worker_cannot_send_a_decision(client, team, case):
    client.force_login(team.worker)

    send(client, team.worker, decision(case), kind="decision")

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.FREE_TEXT
    assert "Only the service’s manager records a decision" in record.details


def test_the_offline_page_offers_decisions_to_managers_only(client, team):
    from django.urls import reverse

    client.force_login(team.manager)
    page = client.get(reverse("continuity:offline"))
    assert 'id="kind-decision"' in page.text and "Will Kerr" in page.text

    client.force_login(team.worker)
    assert 'id="kind-decision"' not in client.get(reverse("continuity:offline")).text
