"""Nothing typed is lost in read-only mode: the case's change pages offer "Record this in your
Downtime tracker", with the case chosen and what was typed carried over."""

import pytest
from django.urls import reverse

from cases.models import CaseNote
from continuity import applying, readonly
from continuity.models import DowntimeRecord, NatureOfWork, RecordKind
from thrive.models import Role

from ..factories import person
from .test_structured_records import edit_data, note_data

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def read_only(db):
    return readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")


def test_the_edit_page_in_read_only_mode_posts_into_the_tracker(client, team, case, read_only):
    client.force_login(team.worker)

    page = client.get(reverse("cases:edit", args=[case.thrive_id]))

    assert "Record this in your Downtime tracker" in page.text
    action = reverse("continuity:record_add_kind", args=["case_change"])
    assert f'action="{action}?case={case.thrive_id}"' in page.text
    assert 'name="work-postcode"' in page.text


def test_a_case_edit_typed_in_read_only_mode_becomes_a_record_with_nothing_retyped(
    client, team, case, read_only
):
    client.force_login(team.worker)
    url = reverse("continuity:record_add_kind", args=["case_change"])

    response = client.post(
        f"{url}?case={case.thrive_id}",
        {
            **edit_data(
                case,
                **{
                    "work-first_contact_family_day": "20",
                    "work-first_contact_family_month": "11",
                    "work-first_contact_family_year": "2026",
                },
            ),
            "carried": "1",
        },
    )

    record = DowntimeRecord.objects.get()
    assert response.url == reverse("continuity:record", args=[record.pk])
    assert record.kind == RecordKind.CASE_CHANGE and record.case == case
    assert record.downtime == read_only and not record.restricted
    assert record.values["fields"]["first_contact_family"] == "2026-11-20"


def test_a_carried_edit_with_a_mistake_shows_the_record_form_with_what_was_typed(
    client, team, case, read_only
):
    client.force_login(team.worker)
    url = reverse("continuity:record_add_kind", args=["case_change"])

    page = client.post(
        f"{url}?case={case.thrive_id}",
        {**edit_data(case, **{"work-postcode": "nowhere"}), "carried": "1"},
    )

    assert page.status_code == 200
    assert "postcode" in page.context["work"].errors
    assert 'value="nowhere"' in page.text
    assert not page.context["common"].errors  # not asked for until the person saves
    assert not DowntimeRecord.objects.exists()


def test_a_note_typed_in_read_only_mode_is_applied_once_thrive_is_back(
    client, team, case, read_only
):
    client.force_login(team.worker)
    page = client.get(reverse("cases:note_add", args=[case.thrive_id]))
    assert 'name="work-text"' in page.text
    data = {k: v for k, v in note_data().items() if k.startswith("work-")}
    url = reverse("continuity:record_add_kind", args=["note"])
    client.post(f"{url}?case={case.thrive_id}", {**data, "carried": "1"})
    readonly.end_read_only(by=read_only.started_by)

    applying.apply_record(DowntimeRecord.objects.get(), by=team.worker)

    assert CaseNote.objects.get(case=case).text == "Agreed a morning routine chart."


def test_a_closure_typed_in_read_only_mode_is_filled_into_a_free_text_record(
    client, team, case, read_only
):
    client.force_login(team.worker)
    page = client.get(reverse("cases:close", args=[case.thrive_id]))
    assert f'action="{reverse("continuity:record_carried")}"' in page.text

    page = client.post(
        reverse("continuity:record_carried"),
        {
            "page": "close",
            "case": case.thrive_id,
            "version": case.version,
            "closure_date_day": "23",
            "closure_date_month": "11",
            "closure_date_year": "2026",
            "closure_summary": "Routines settled; family happy to close.",
        },
    )

    form = page.context["form"]
    assert form.initial["thrive_id"] == case.thrive_id
    assert form.initial["nature_of_work"] == NatureOfWork.CLOSURE
    details = form.initial["details"]
    assert "Closure summary: Routines settled; family happy to close." in details
    assert "Date of case closure: 23-Nov-2026" in details
    assert not DowntimeRecord.objects.exists()  # saved once the person has checked it


def test_nobody_carries_a_case_they_cannot_see(client, team, read_only):
    from ..factories import make_case

    theirs = make_case(team.other_service)
    client.force_login(team.manager)

    page = client.post(
        reverse("continuity:record_carried"), {"page": "close", "case": theirs.thrive_id}
    )

    assert page.status_code == 404


def test_outside_read_only_mode_the_edit_page_saves_on_the_case(client, team, case):
    client.force_login(team.worker)

    page = client.get(reverse("cases:edit", args=[case.thrive_id]))

    assert "Record this in your Downtime tracker" not in page.text
    assert 'name="postcode"' in page.text
