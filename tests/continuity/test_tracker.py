"""The Downtime tracker (a person's own records) and the re-entry queue (what waits to be
entered into Thrive): what each lists, downloads, and a fixed number of queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from continuity import records
from continuity.models import DowntimeRecord, NatureOfWork
from thrive.models import AuditEvent, Role

from ..factories import person
from .factories import allocated_case, make_record, make_team


@pytest.fixture
def team(db):
    return make_team()


def listed(page):
    return list(page.context["page"])


def download(client, url, slug, fmt):
    return client.get(url, {"export": slug, "format": fmt})


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


# --- The Downtime tracker ---------------------------------------------------------------------


def test_the_tracker_names_its_owner_and_team_and_lists_only_their_records(client, team):
    mine = make_record(team.worker)
    make_record(team.colleague)
    make_record(team.manager)
    client.force_login(team.worker)

    page = client.get(reverse("continuity:tracker"))

    assert listed(page) == [mine]
    assert "Your Name" in page.text and "Will Kerr" in page.text
    assert "Team Name" in page.text and "Family Matters Ashford" in page.text
    assert "Add a downtime record" in page.text
    assert reverse("continuity:record_start") in page.text
    assert "Count: 1" in page.text


def test_council_staff_see_their_organisation_as_team_name(client, team):
    client.force_login(team.officer)

    page = client.get(reverse("continuity:tracker"))

    assert page.context["team_name"] == "Kent County Council"
    assert "You have no downtime records." in page.text


def test_the_tracker_shows_each_column_in_the_trackers_words(client, team):
    case = allocated_case(team)
    entered = records.mark_entered(
        make_record(
            team.worker,
            case=case,
            child_surname="Jones",
            child_date_of_birth=date(2010, 4, 12),
            restricted=True,
            nature_of_work=NatureOfWork.CASE_NOTE,
            recorded_at=hours_ago(3),
        ),
        by=team.worker,
    )
    sent = make_record(team.worker, sent_to=team.other_service, recorded_at=hours_ago(2))
    client.force_login(team.worker)

    page = client.get(reverse("continuity:tracker"))

    headers = [header["label"] for header in page.context["headers"]]
    assert headers == [
        "Thrive ID or NEW",
        "Child Surname and DOB",
        "Restricted Record?",
        "Date & Time Information Recorded",
        "Nature of Work Undertaken",
        "TEMPLATE REFERRAL to",
        "Date Entered into Thrive",
    ]
    assert listed(page) == [sent, entered]  # newest first
    sent_row, entered_row = page.context["rows"]
    assert reverse("cases:detail", args=[case.thrive_id]) in entered_row
    assert "Jones 12-Apr-2010" in entered_row
    assert "Case note" in entered_row
    assert timezone.localtime(entered.entered_at).strftime("%d-%b-%Y %H:%M") in entered_row
    assert "NEW" in sent_row and "/cases/" not in sent_row
    assert "Young Lives Canterbury" in sent_row
    assert reverse("continuity:record", args=[sent.pk]) in sent_row


def test_the_tracker_downloads_as_csv_and_xlsx(client, team):
    make_record(team.worker, child_surname="=cmd|calc", recorded_at=hours_ago(2))
    make_record(team.worker, child_surname="Jones", child_date_of_birth=None)
    client.force_login(team.worker)
    url = reverse("continuity:tracker")

    rows = csv_rows(download(client, url, "downtime-tracker", "csv"))
    sheet = load_workbook(
        io.BytesIO(b"".join(download(client, url, "downtime-tracker", "xlsx").streaming_content))
    ).active

    assert rows[0][:3] == ["Thrive ID or NEW", "Child Surname and DOB", "Restricted Record?"]
    assert [row[:3] for row in rows[1:]] == [
        ["NEW", "Jones", "No"],
        ["NEW", "'=cmd|calc 10-Jun-2019", "No"],
    ]
    assert sheet["B3"].value == "'=cmd|calc 10-Jun-2019"
    assert AuditEvent.objects.filter(action="exported", object_id="downtime-tracker").count() == 2


def test_printing_the_tracker_is_audited(client, team):
    make_record(team.worker)
    client.force_login(team.worker)

    page = client.get(reverse("continuity:tracker"), {"print": "1"})

    assert "data-autoprint" in page.text
    assert AuditEvent.objects.filter(action="printed", object_id="downtime-tracker").exists()


def test_the_tracker_pages_long_lists(client, team):
    for hours in range(55):
        make_record(team.worker, recorded_at=hours_ago(hours + 1))
    client.force_login(team.worker)

    first = client.get(reverse("continuity:tracker"))
    second = client.get(reverse("continuity:tracker"), {"page": "2"})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 5
    assert "Count: 55" in second.text


@pytest.mark.parametrize(
    "role", [Role.SERVICE_WORKER, Role.SERVICE_MANAGER, Role.EHPS_OFFICER, Role.SEND_OFFICER]
)
def test_every_staff_role_keeps_a_tracker(client, db, role):
    client.force_login(person(role))

    assert client.get(reverse("continuity:tracker")).status_code == 200
    assert client.get(reverse("continuity:re_entry")).status_code == 200
    assert client.get(reverse("continuity:record_add")).status_code == 200


def test_system_administrators_keep_a_tracker(verified_client, admin_user):
    client = verified_client(admin_user)

    assert client.get(reverse("continuity:tracker")).status_code == 200


@pytest.mark.parametrize("role", [Role.TRAY_ADMIN, Role.CLINICIAN])
def test_health_partner_people_have_no_tracker(client, db, role):
    client.force_login(person(role))

    assert client.get(reverse("continuity:tracker")).status_code == 404
    assert client.get(reverse("continuity:re_entry")).status_code == 404


# --- The re-entry queue -----------------------------------------------------------------------


def test_a_manager_sees_the_teams_waiting_records_oldest_first(client, team):
    newer = make_record(team.worker, recorded_at=hours_ago(1))
    older = make_record(team.colleague, recorded_at=hours_ago(5))
    records.mark_entered(make_record(team.worker, recorded_at=hours_ago(9)), by=team.worker)
    make_record(team.worker, restricted=True, recorded_at=hours_ago(7))
    make_record(team.other_worker, recorded_at=hours_ago(8))
    client.force_login(team.manager)

    page = client.get(reverse("continuity:re_entry"))

    assert listed(page) == [older, newer]
    assert "Count: 2" in page.text
    assert reverse("continuity:record", args=[older.pk]) in page.context["rows"][0]
    assert "Wendy Roberts" in page.context["rows"][0]


def test_a_worker_sees_only_their_own_waiting_records(client, team):
    mine = make_record(team.worker, restricted=True)
    make_record(team.colleague)
    client.force_login(team.worker)

    assert listed(client.get(reverse("continuity:re_entry"))) == [mine]


def test_a_template_referral_reaches_the_receiving_services_managers(client, team):
    sent = make_record(team.worker, sent_to=team.other_service)
    make_record(team.worker)
    client.force_login(team.other_manager)

    page = client.get(reverse("continuity:re_entry"))

    assert listed(page) == [sent]
    assert "TEMPLATE REFERRAL from Family Matters Ashford" in page.context["rows"][0]


def test_the_senders_manager_sees_where_a_template_referral_went(client, team):
    make_record(team.worker, sent_to=team.other_service)
    client.force_login(team.manager)

    page = client.get(reverse("continuity:re_entry"))

    assert "TEMPLATE REFERRAL to Young Lives Canterbury" in page.context["rows"][0]


def test_a_template_referral_from_council_staff_names_their_organisation(client, team):
    make_record(team.officer, sent_to=team.service)
    client.force_login(team.manager)

    page = client.get(reverse("continuity:re_entry"))

    assert "TEMPLATE REFERRAL from Kent County Council" in page.context["rows"][0]


def test_the_re_entry_queue_downloads_as_csv(client, team):
    make_record(team.worker, child_surname="Brown", sent_to=team.other_service)
    client.force_login(team.other_manager)

    rows = csv_rows(download(client, reverse("continuity:re_entry"), "re-entry", "csv"))

    assert rows[0] == [
        "Thrive ID or NEW",
        "Child Surname and DOB",
        "Nature of Work Undertaken",
        "Recorded by",
        "Date & Time Information Recorded",
        "TEMPLATE REFERRAL",
        "Kind of record",
    ]
    assert rows[1][:4] == [
        "NEW",
        "Brown 10-Jun-2019",
        "Contact with family or notifier",
        "Will Kerr",
    ]
    assert rows[1][5] == "TEMPLATE REFERRAL from Family Matters Ashford"


# --- A fixed number of queries ------------------------------------------------------------------


def many_records(team, count):
    """`count` records of the team's worker: some on a case, some sent to another team, some
    entered, so that every column reads its relations."""
    case = allocated_case(team)
    DowntimeRecord.objects.bulk_create(
        [
            DowntimeRecord(
                created_by=team.worker,
                service=team.service,
                thrive_id=case.thrive_id if i % 2 else "NEW",
                case=case if i % 2 else None,
                child_surname=f"Child{i}",
                recorded_at=hours_ago(i + 1),
                nature_of_work=NatureOfWork.CONTACT,
                details="Phoned the family.",
                sent_to=team.other_service if i % 3 == 0 else None,
                entered_at=timezone.now() if i % 5 == 0 and i else None,
                entered_by=team.manager if i % 5 == 0 and i else None,
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize(
    ("url_name", "viewer"),
    [("continuity:tracker", "worker"), ("continuity:re_entry", "manager")],
)
def test_the_lists_run_a_fixed_number_of_queries(
    client, team, django_assert_max_num_queries, rows, url_name, viewer
):
    many_records(team, rows)
    client.force_login(getattr(team, viewer))

    with django_assert_max_num_queries(11):
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert len(response.context["rows"]) >= 1
