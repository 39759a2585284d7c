"""Downloads of lists: plain values (no model instance per row), native dates and numbers in
XLSX with formulas still neutralised, and lists too long for a request built in the
background with progress and an audited download."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thrive.exports import purge_old_exports
from thrive.models import AuditEvent, ExportJob, Role

from ..factories import make_case, person, session_queries
from .test_lists import many_cases

MANAGERS_AREA_XLSX = {"export": "managers-area", "format": "xlsx"}
MANAGERS_AREA_CSV = {"export": "managers-area", "format": "csv"}


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_xlsx_downloads_write_dates_and_numbers_as_native_cells(client, ashford, officer, manager):
    make_case(ashford, referred_by=officer, family_names="-2+3", date_referred=date(2026, 11, 2))
    client.force_login(manager)

    with time_machine.travel(datetime(2026, 12, 1, 12, 0), tick=False):
        sheet = load_workbook(
            io.BytesIO(_body(client.get(reverse("cases:managers_area"), MANAGERS_AREA_XLSX)))
        ).active
        ages = load_workbook(
            io.BytesIO(
                _body(
                    client.get(
                        reverse("cases:requiring_action"),
                        {"export": "awaiting-decision", "format": "xlsx"},
                    )
                )
            )
        ).active

    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Date referred"] == datetime(2026, 11, 2)  # a date cell, not text
    assert sheet.cell(2, header.index("Date referred") + 1).number_format == "dd-mmm-yyyy"
    assert row["Documents"] == 0  # a number
    assert row["Family second name(s)"] == "'-2+3"  # text that would be a formula, defused
    age_header = [cell.value for cell in ages[1]]
    assert ages.cell(2, age_header.index("Age (days)") + 1).value == 29


def test_csv_downloads_read_the_same_few_queries_whatever_the_length(
    client, ashford, officer, manager, django_assert_num_queries
):
    many_cases(ashford, officer, 120)
    client.force_login(manager)
    client.get(reverse("cases:managers_area"))  # the read-only mode lookup, cached from here

    # The session (unless it is cached), the person with their roles, the Name of Worker
    # choices, the audit event (recording the person's organisation by its key), the row
    # count (is it too long for a request?), the rows as plain values and the documents of
    # each chunk of 5,000 rows.
    with django_assert_num_queries(session_queries() + 6):
        rows = _csv_rows(client.get(reverse("cases:managers_area"), MANAGERS_AREA_CSV))

    assert len(rows) == 121
    assert rows[1][3] == "Ashford"  # the district's name, not its code


def test_a_download_too_long_for_a_request_is_prepared_then_downloaded_and_audited(
    client, ashford, officer, manager, media, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 5
    many_cases(ashford, officer, 8)
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(reverse("cases:managers_area"), MANAGERS_AREA_CSV)

    job = ExportJob.objects.get(user=manager)
    assert asked["Location"] == reverse("export_status", args=[job.pk])
    status = client.get(asked["Location"]).content.decode()
    assert "Your download is ready" in status  # tasks run inline without Redis
    assert job.rows_total == 8
    download = client.get(reverse("export_download", args=[job.pk]))
    assert len(_csv_rows(download)) == 9
    assert AuditEvent.objects.filter(user=manager, action="exported").count() == 1
    assert AuditEvent.objects.filter(user=manager, action="export_downloaded").exists()


def test_a_prepared_download_shows_its_progress_while_it_is_built(client, ashford, manager):
    job = ExportJob.objects.create(
        user=manager,
        title="Managers area",
        path=reverse("cases:managers_area"),
        query="export=managers-area&format=csv",
        format="csv",
        filename="managers-area.csv",
        status=ExportJob.Status.BUILDING,
        rows_total=80_000,
        rows_done=20_000,
    )
    client.force_login(manager)

    page = client.get(reverse("export_status", args=[job.pk])).content.decode()

    assert "20,000 of 80,000 rows (25%)" in page
    assert 'http-equiv="refresh"' in page
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 404


def _prepared(manager, capture) -> ExportJob:
    client = Client()
    client.force_login(manager)
    with capture(execute=True):
        client.get(reverse("cases:managers_area"), MANAGERS_AREA_CSV)
    return ExportJob.objects.get(user=manager)


def test_only_the_person_who_asked_can_see_or_download_a_prepared_download(
    ashford, officer, manager, media, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 1
    many_cases(ashford, officer, 3)
    _prepared(manager, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get(user=manager)
    colleague = Client()
    colleague.force_login(person(Role.SERVICE_MANAGER, service=ashford))

    assert colleague.get(reverse("export_status", args=[job.pk])).status_code == 404
    assert colleague.get(reverse("export_download", args=[job.pk])).status_code == 404


def test_prepared_downloads_are_deleted_after_a_day(
    ashford, officer, manager, media, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 1
    many_cases(ashford, officer, 3)
    job = _prepared(manager, django_capture_on_commit_callbacks)
    stored = media / job.file
    assert stored.exists()

    purged = purge_old_exports(now=job.created_at + timedelta(hours=settings.EXPORT_KEEP_HOURS + 1))

    assert purged == 1
    assert not stored.exists()
    assert not ExportJob.objects.exists()


def test_the_district_referrals_download_reads_only_fields_its_index_holds():
    """A district's download is read from the case_district_referral_rows index alone (no
    heap page per case): a column reading any other field of the case would lose that."""
    from cases.models import REFERRAL_ROW_FIELDS, Case
    from cases.reports import REFERRAL_COLUMNS

    index = next(i for i in Case._meta.indexes if i.name == "case_district_referral_rows")
    held = {name.lstrip("-") for name in index.fields}
    read = {field.split("__")[0] for c in REFERRAL_COLUMNS for field in c.cells.fields}

    assert read <= held
    assert set(REFERRAL_ROW_FIELDS) <= held
