"""Case notes and contacts: who may add and correct them, what the form checks, the audit,
the timeline (at the time of the work) and Print case."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import notes
from cases.models import CaseNote, NoteKind
from cases.services import CaseActionRefused
from thrive.models import AuditEvent, Role

from ..factories import make_note, person

NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 15, 0))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def note_post(**overrides):
    return {
        "kind": "home_visit",
        "happened_date_day": "23",
        "happened_date_month": "11",
        "happened_date_year": "2026",
        "happened_time": "10:15",
        "who": "Mum and Claire",
        "text": "Agreed a morning routine chart.",
        **overrides,
    }


def test_the_allocated_worker_adds_a_contact_that_is_audited_on_the_case(client, open_case, worker):
    client.force_login(worker)

    response = client.post(reverse("cases:note_add", args=[open_case.thrive_id]), note_post())

    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.kind == NoteKind.HOME_VISIT and note.created_by == worker
    assert timezone.localtime(note.happened_at).strftime("%d/%m/%Y %H:%M") == "23/11/2026 10:15"
    event = AuditEvent.objects.get(action="case_note_added")
    assert event.object_id == str(open_case.pk) and event.note == f"case note {note.pk}"
    open_case.refresh_from_db()
    assert open_case.modified_by == worker and open_case.version == 1


def test_a_note_shows_in_the_timeline_at_the_time_of_the_work_and_in_print(
    client, open_case, worker
):
    older = make_note(open_case, by=worker, happened_at=NOW - timedelta(days=3), text="Older")
    newer = make_note(open_case, by=worker, happened_at=NOW - timedelta(hours=1), text="Newer")
    client.force_login(worker)

    page = client.get(reverse("cases:detail", args=[open_case.thrive_id]), {"print": "1"})

    notes_in_timeline = [item["note"] for item in page.context["timeline"] if "note" in item]
    assert notes_in_timeline == [newer, older]
    assert "Older" in page.text and "Newer" in page.text
    assert "Correct<span" not in page.text  # no links on paper


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": ""}, "kind", "Select the kind of contact or note"),
        ({"text": ""}, "text", "Enter what happened"),
        ({"text": "x" * 10_001}, "text", "What happened must be 10,000 characters or fewer"),
        ({"who": "x" * 201}, "who", "Who was involved must be 200 characters or fewer"),
        ({"happened_time": "25:00"}, "happened_time", "Enter a time on the 24-hour clock"),
        ({"happened_date_day": "31", "happened_date_month": "2"}, "happened_date", "real date"),
        ({"happened_time": "16:00"}, "happened_time", "must be now or in the past"),
    ],
)
def test_the_note_form_says_what_is_wrong_next_to_the_field(
    client, open_case, worker, overrides, field, message
):
    client.force_login(worker)

    page = client.post(
        reverse("cases:note_add", args=[open_case.thrive_id]), note_post(**overrides)
    )

    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert not CaseNote.objects.exists()


def test_a_worker_of_the_service_not_allocated_cannot_add_notes(client, open_case, other_worker):
    client.force_login(other_worker)

    response = client.post(reverse("cases:note_add", args=[open_case.thrive_id]), note_post())

    assert response.status_code == 404
    with pytest.raises(CaseActionRefused):
        notes.add_note(open_case, by=other_worker, kind="note", happened_at=NOW, text="Not mine")


def test_an_ehps_officer_cannot_add_notes_once_the_service_has_accepted(open_case, officer):
    assert not notes.may_record_notes(officer, open_case)
    with pytest.raises(CaseActionRefused):
        notes.add_note(open_case, by=officer, kind="note", happened_at=NOW, text="Too late")


def test_notes_cannot_be_added_to_an_archived_case(open_case, manager):
    open_case.status, open_case.archived_at = "closed", NOW
    open_case.save()

    with pytest.raises(CaseActionRefused):
        notes.add_note(open_case, by=manager, kind="note", happened_at=NOW, text="Archived")


def test_a_manager_corrects_a_note_and_the_correction_is_audited(
    client, open_case, worker, manager
):
    note = make_note(open_case, by=worker)
    client.force_login(manager)

    response = client.post(
        reverse("cases:note_correct", args=[open_case.thrive_id, note.pk]),
        note_post(kind="phone_call", text="Phoned mum, not a visit.", version=note.version),
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Phoned mum, not a visit." and note.version == 2
    assert note.modified_by == manager and note.created_by == worker
    event = AuditEvent.objects.get(action="case_note_corrected")
    assert "What happened" in event.note and "Phoned" not in event.note


def test_a_correction_over_someone_elses_is_refused_and_theirs_is_shown(
    client, open_case, worker, manager
):
    note = make_note(open_case, by=worker)
    notes.correct_note(
        note, by=manager, version=1, kind="note", happened_at=note.happened_at, text="Theirs"
    )
    client.force_login(worker)

    page = client.post(
        reverse("cases:note_correct", args=[open_case.thrive_id, note.pk]),
        note_post(text="Mine", version=1),
    )

    assert page.status_code == 200
    assert page.context["stale"]["note"].text == "Theirs"
    assert 'value="2"' in page.text  # saving again is taken against the latest version
    note.refresh_from_db()
    assert note.text == "Theirs"


def test_a_note_is_only_corrected_through_its_own_case(client, open_case, worker, ashford, officer):
    from ..factories import make_case

    other_case = make_case(ashford, referred_by=officer, worker=worker, status="open")
    note = make_note(other_case, by=worker)
    client.force_login(worker)

    page = client.get(reverse("cases:note_correct", args=[open_case.thrive_id, note.pk]))

    assert page.status_code == 404


def test_nobody_outside_the_case_sees_its_notes(open_case, worker):
    make_note(open_case, by=worker)
    outsider = person(Role.SERVICE_WORKER)

    assert CaseNote.objects.visible_to(worker).count() == 1
    assert not CaseNote.objects.visible_to(outsider).exists()
