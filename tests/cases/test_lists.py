"""The daily lists and the reports: what each shows, filters, downloads, and a fixed number
of queries whatever the number of cases."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from cases.models import Case, Status
from thrive.models import Role

from ..factories import make_case, person


def rows_of(page, slug=None):
    """The Thrive IDs listed in a table of the page."""
    if slug is None:
        return [case.thrive_id for case in page.context["page"]]
    section = next(s for s in page.context["sections"] if s["table"].slug == slug)
    return [case.thrive_id for case in section["page"]]


def many_cases(service, officer, count, **fields):
    template = make_case(service, referred_by=officer, **fields)
    cases = []
    for i in range(count - 1):
        clone = Case.objects.get(pk=template.pk)
        clone.pk = None
        clone.thrive_id = f"BULK{template.pk}-{i}"
        cases.append(clone)
    Case.objects.bulk_create(cases)


def test_my_cases_lists_open_cases_with_my_name_only(
    client, ashford, officer, worker, other_worker
):
    mine = make_case(ashford, referred_by=officer, status=Status.OPEN, worker=worker)
    make_case(ashford, referred_by=officer, status=Status.OPEN, worker=other_worker)
    make_case(ashford, referred_by=officer, status=Status.CLOSED, worker=worker)
    client.force_login(worker)

    page = client.get(reverse("cases:my_cases"))

    assert rows_of(page) == [mine.thrive_id]


@pytest.fixture
def numbered_cases(ashford, officer, worker):
    """Open cases of the worker with IDs chosen to tell whole from partial matches."""
    for thrive_id in ["KT000021", "KT000121", "KT000025", "KT210000", "KT000300", "TEST13"]:
        make_case(
            ashford, referred_by=officer, status=Status.OPEN, worker=worker, thrive_id=thrive_id
        )


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("kt 21", {"KT000021"}),  # the short form means that one case
        ("KT000021", {"KT000021"}),
        ("21", {"KT000021", "KT000121", "KT210000"}),
        ("KT00002", {"KT000021", "KT000025"}),
        (" kt0003 ", {"KT000300"}),
        ("test1", {"TEST13"}),
        ("99", set()),
    ],
)
@pytest.mark.parametrize("list_name", ["cases:my_cases", "cases:managers_area"])
def test_a_partial_thrive_id_finds_the_cases_whose_id_contains_it(
    client, numbered_cases, worker, manager, list_name, typed, found
):
    client.force_login(worker if list_name == "cases:my_cases" else manager)

    page = client.get(reverse(list_name), {"thrive_id": typed})

    assert set(rows_of(page)) == found


def test_managers_area_lists_unarchived_cases_with_filters(
    client, ashford, officer, manager, worker
):
    open_case = make_case(ashford, referred_by=officer, status=Status.OPEN, worker=worker)
    waiting = make_case(
        ashford, referred_by=officer, status=Status.AWAITING_WORKER, waiting_list=True
    )
    make_case(ashford, referred_by=officer, status=Status.CLOSED, archived_at=timezone.now())
    client.force_login(manager)

    everything = client.get(reverse("cases:managers_area"))
    by_worker = client.get(reverse("cases:managers_area"), {"worker": worker.pk})
    on_waiting_list = client.get(reverse("cases:managers_area"), {"waiting_list": "yes"})

    assert set(rows_of(everything)) == {open_case.thrive_id, waiting.thrive_id}
    assert everything.context["page"].paginator.count == 2
    assert rows_of(by_worker) == [open_case.thrive_id]
    assert rows_of(on_waiting_list) == [waiting.thrive_id]


def test_columns_sort_both_ways(client, ashford, officer, manager):
    older = make_case(ashford, referred_by=officer, family_names="Able")
    newer = make_case(ashford, referred_by=officer, family_names="Zed")
    client.force_login(manager)

    up = client.get(reverse("cases:managers_area"), {"sort": "family"})
    down = client.get(reverse("cases:managers_area"), {"sort": "-family"})

    assert rows_of(up) == [older.thrive_id, newer.thrive_id]
    assert rows_of(down) == [newer.thrive_id, older.thrive_id]
    header = next(h for h in up.context["headers"] if h["label"] == "Family second name(s)")
    assert header["aria_sort"] == "ascending"
    # The header row says so, and its link sorts the other way; the others sort by theirs.
    assert (
        '<th scope="col" class="govuk-table__header" aria-sort="ascending"><a class="govuk-link'
        ' govuk-link--no-visited-state thrive-sort" href="?sort=-family">Family second name(s)'
        "</a></th>"
    ) in up.text
    assert (
        'aria-sort="none"><a class="govuk-link govuk-link--no-visited-state thrive-sort"'
        ' href="?sort=thrive_id">Thrive ID</a>' in up.text
    )


def test_cases_requiring_action_oldest_referral_first_with_age(client, ashford, officer, manager):
    today = timezone.localdate()
    new = make_case(ashford, referred_by=officer, date_referred=today - timedelta(days=2))
    old = make_case(ashford, referred_by=officer, date_referred=today - timedelta(days=9))
    pending = make_case(ashford, referred_by=officer, status=Status.PENDING)
    accepted = make_case(ashford, referred_by=officer, status=Status.AWAITING_WORKER)
    client.force_login(manager)

    page = client.get(reverse("cases:requiring_action"))

    assert rows_of(page, "awaiting-decision") == [old.thrive_id, new.thrive_id]
    assert rows_of(page, "awaiting-worker") == [accepted.thrive_id]
    assert rows_of(page, "pending") == [pending.thrive_id]
    awaiting = page.context["sections"][0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">9</td>' in awaiting["rows"][0]
    assert "Count: 2" in page.text


def test_archived_cases_leave_the_lists_and_appear_in_the_archive(
    client, ashford, officer, manager, worker
):
    archived = make_case(
        ashford,
        referred_by=officer,
        status=Status.CLOSED,
        worker=worker,
        archived_at=timezone.now(),
    )
    client.force_login(manager)

    assert archived.thrive_id not in rows_of(client.get(reverse("cases:managers_area")))
    assert rows_of(client.get(reverse("cases:archive_list"))) == [archived.thrive_id]
    client.force_login(worker)
    assert rows_of(client.get(reverse("cases:my_cases"))) == []


def test_ehps_area_shows_referrals_and_declined_cases_to_archive(client, ashford, officer):
    declined = make_case(ashford, referred_by=officer, status=Status.DECLINED)
    other = make_case(ashford, status=Status.OPEN)
    client.force_login(officer)

    page = client.get(reverse("cases:ehps_area"))
    mine = client.get(reverse("cases:ehps_area"), {"mine": "1"})

    assert set(rows_of(page, "referrals")) == {declined.thrive_id, other.thrive_id}
    assert rows_of(mine, "referrals") == [declined.thrive_id]
    assert rows_of(page, "declined") == [declined.thrive_id]


@pytest.mark.parametrize(
    ("slug", "fields", "listed"),
    [
        ("last-modified", {"status": Status.OPEN}, True),
        (
            "archived-accepted",
            {"progressing": "yes", "status": Status.CLOSED, "archived": True},
            True,
        ),
        (
            "archived-declined",
            {"progressing": "no", "status": Status.DECLINED, "archived": True},
            True,
        ),
        (
            "archived-declined",
            {"progressing": "yes", "status": Status.CLOSED, "archived": True},
            False,
        ),
        ("last-modified-archived", {"status": Status.CLOSED, "archived": True}, True),
        ("closed-without-summary", {"status": Status.CLOSED, "closure_summary": ""}, True),
        ("closed-without-summary", {"status": Status.CLOSED, "closure_summary": "Done"}, False),
        ("waiting-list", {"status": Status.AWAITING_WORKER, "waiting_list": True}, True),
    ],
)
def test_each_report_lists_its_cases(client, ashford, officer, manager, slug, fields, listed):
    if fields.pop("archived", False):
        fields["archived_at"] = timezone.now()
    case = make_case(ashford, referred_by=officer, **fields)
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=[slug]))

    assert (case.thrive_id in rows_of(page)) is listed


def test_closed_without_summary_names_the_worker_to_chase(
    client, ashford, officer, manager, worker
):
    make_case(ashford, referred_by=officer, status=Status.CLOSED, worker=worker, closure_summary="")
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=["closed-without-summary"]))

    assert escape(worker.full_name) in page.text


def test_status_by_district_counts_and_draws_a_chart(client, ashford, officer, manager):
    for _ in range(3):
        make_case(ashford, referred_by=officer)
    make_case(ashford, referred_by=officer, status=Status.OPEN)
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=["status-by-district"]))

    counts = {(r["district"], r["status"]): r["n"] for r in page.context["page"]}
    assert counts == {("Ashford", "Awaiting decision"): 3, ("Ashford", "Open"): 1}
    assert "<svg" in page.text


def test_response_times_give_median_and_90th_percentile(client, ashford, officer, manager):
    referred = timezone.localdate() - timedelta(days=40)
    for days in [1, 2, 3, 4, 5, 6, 7, 8, 9, 30]:
        make_case(
            ashford,
            referred_by=officer,
            date_referred=referred,
            response_date=referred + timedelta(days=days),
            first_contact_family=referred + timedelta(days=days * 2),
        )
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=["response-times"]))

    [row] = page.context["page"]
    assert row["decided"] == 10
    assert (row["decision_median"], row["decision_p90"]) == (5.5, 11.1)
    assert (row["contact_median"], row["contact_p90"]) == (11, 22.2)


def test_response_times_leave_blank_what_there_is_nothing_to_measure(
    client, ashford, officer, manager
):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    make_case(ashford, referred_by=officer, date_referred=last_month)  # no decision yet
    make_case(
        ashford,
        referred_by=officer,
        date_referred=this_month,
        response_date=this_month + timedelta(days=3),
    )
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=["response-times"]))

    rows = [
        (r["month"], r["decided"], r["decision_median"], r["decision_p90"], r["contact_median"])
        for r in page.context["page"]
    ]
    assert rows == [
        (f"{last_month:%Y-%m}", 0, "", "", ""),
        (f"{this_month:%Y-%m}", 1, 3, 3, ""),
    ]


def test_lists_download_as_csv_and_xlsx(client, ashford, officer, manager):
    case = make_case(ashford, referred_by=officer, family_names="=cmd|calc")
    client.force_login(manager)

    as_csv = client.get(
        reverse("cases:managers_area"), {"export": "managers-area", "format": "csv"}
    )
    as_xlsx = client.get(
        reverse("cases:managers_area"), {"export": "managers-area", "format": "xlsx"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Thrive ID", "Family second name(s)"]
    assert rows[1][:2] == [case.thrive_id, "'=cmd|calc"]
    sheet = load_workbook(io.BytesIO(b"".join(as_xlsx.streaming_content))).active
    assert sheet["A2"].value == case.thrive_id
    assert sheet["B2"].value == "'=cmd|calc"


def test_workers_and_ehps_cannot_open_manager_lists(client, worker, officer):
    for someone in (worker, officer):
        client.force_login(someone)
        assert client.get(reverse("cases:managers_area")).status_code == 404
    assert client.get(reverse("cases:my_cases")).status_code == 404


LIST_PAGES = [
    ("cases:managers_area", Role.SERVICE_MANAGER, {}),
    ("cases:requiring_action", Role.SERVICE_MANAGER, {}),
    ("cases:archive_list", Role.SERVICE_MANAGER, {"archived_at": "now", "status": Status.CLOSED}),
    ("cases:my_cases", Role.SERVICE_WORKER, {"status": Status.OPEN, "worker": "me"}),
    ("cases:ehps_area", Role.EHPS_OFFICER, {}),
    ("last-modified", Role.SERVICE_MANAGER, {}),
    ("archived-accepted", Role.SERVICE_MANAGER, {"archived_at": "now", "progressing": "yes"}),
    ("archived-declined", Role.SERVICE_MANAGER, {"archived_at": "now", "status": Status.DECLINED}),
    ("last-modified-archived", Role.SERVICE_MANAGER, {"archived_at": "now"}),
    ("closed-without-summary", Role.SERVICE_MANAGER, {"status": Status.CLOSED}),
    ("status-by-district", Role.SERVICE_MANAGER, {}),
    ("response-times", Role.SERVICE_MANAGER, {"response_date": date(2026, 11, 5)}),
    ("waiting-list", Role.SERVICE_MANAGER, {"waiting_list": True, "status": Status.OPEN}),
]


@pytest.mark.parametrize("rows", [10, 1000])
@pytest.mark.parametrize(("list_page", "role", "fields"), LIST_PAGES)
def test_list_pages_run_a_fixed_number_of_queries(
    client, ashford, officer, worker, django_assert_max_num_queries, list_page, role, fields, rows
):
    viewer = {Role.SERVICE_WORKER: worker, Role.EHPS_OFFICER: officer}.get(role) or person(
        role, service=ashford
    )
    fields = {
        k: (timezone.now() if v == "now" else worker if v == "me" else v) for k, v in fields.items()
    }
    many_cases(
        ashford, officer, rows, date_referred=timezone.localdate() - timedelta(days=3), **fields
    )
    client.force_login(viewer)
    url = reverse(list_page) if ":" in list_page else reverse("cases:report", args=[list_page])

    # 13, and the read-only mode lookup on a cold cache (cached after the first request).
    with django_assert_max_num_queries(14):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("slug", ["last-modified", "status-by-district", "waiting-list"])
def test_reports_can_be_filtered(client, ashford, officer, manager, worker, slug):
    mine = make_case(
        ashford, referred_by=officer, status=Status.OPEN, worker=worker, waiting_list=True
    )
    make_case(ashford, referred_by=officer, status=Status.AWAITING_WORKER, waiting_list=True)
    client.force_login(manager)

    page = client.get(reverse("cases:report", args=[slug]), {"worker": worker.pk})

    listed = list(page.context["page"])
    if slug == "status-by-district":
        assert listed == [{"district": "Ashford", "status": "Open", "n": 1}]
    else:
        assert [case.thrive_id for case in listed] == [mine.thrive_id]


def _table_rows(response) -> list[str]:
    """Every table row of the page's lists, as markup."""
    tables = response.context.get("sections") or [response.context]
    return [row for table in tables for row in table["rows"]]


@pytest.mark.parametrize(("list_page", "role", "fields"), LIST_PAGES)
def test_case_lists_read_as_plain_values_show_what_model_instances_would(
    client, monkeypatch, ashford, officer, worker, list_page, role, fields
):
    """Case lists read their page with values_list (Table.plain_rows): each cell must read
    exactly as it would from the case itself, escaping, blanks, choices and links included."""
    from cases import reports
    from documents.models import Document
    from thrive.ui.tables import Table

    viewer = {Role.SERVICE_WORKER: worker, Role.EHPS_OFFICER: officer}.get(role) or person(
        role, service=ashford
    )
    fields = {
        k: (timezone.now() if v == "now" else worker if v == "me" else v) for k, v in fields.items()
    }
    for number, extra in enumerate(
        [
            {"family_names": 'O\'Neil & <Sons> "Ltd"', "waiting_list": True},
            {"worker": worker, "predicted_start_date": date(2026, 12, 7)},
            {"child_first_name": "Zoë", "child_last_name": "Ōtsuka", "worker": None},
        ]
    ):
        case = make_case(
            ashford,
            referred_by=officer,
            date_referred=date(2026, 11, 2) - timedelta(days=number),
            **{**extra, **fields},
        )
        Document.objects.create(
            service=ashford,
            case=case,
            name=f"{case.thrive_id}-<doc>&{number}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    client.force_login(viewer)
    url = reverse(list_page) if ":" in list_page else reverse("cases:report", args=[list_page])

    plain = client.get(url)
    monkeypatch.setattr(reports, "case_table", lambda **kwargs: Table(**kwargs))
    from_models = client.get(url)

    assert _table_rows(plain), "the list shows the cases"
    assert _table_rows(plain) == _table_rows(from_models)


def _worker_choices(response) -> set[str]:
    form = response.context.get("form") or response.context["table"].filter_form
    return {label for value, label in form.fields["worker"].choices if value}


@pytest.mark.parametrize("viewer", ["manager", "officer"])
@pytest.mark.parametrize(
    "url", [reverse_lazy("cases:ehps_area"), "last-modified", "archived-accepted"]
)
def test_name_of_worker_offers_the_workers_of_the_viewers_cases_and_nobody_elses(
    client, ashford, officer, manager, worker, other_worker, viewer, url
):
    """A manager is offered the workers of their service's cases, an EHPS officer those of
    their district's (archived cases included, so a worker who has moved on can be found in
    the archive); never a worker of cases they cannot see."""
    from thrive.models import District

    from ..factories import ServiceFactory

    elsewhere = ServiceFactory(district=District.DOVER)
    stranger = person(Role.SERVICE_WORKER, service=elsewhere, full_name="Sam Stranger")
    make_case(ashford, referred_by=officer, status=Status.OPEN, worker=worker)
    make_case(
        ashford,
        referred_by=officer,
        status=Status.CLOSED,
        worker=other_worker,
        archived_at=timezone.now(),
        progressing="yes",
    )
    make_case(elsewhere, status=Status.OPEN, worker=stranger)
    if viewer == "manager" and "ehps" in str(url):
        pytest.skip("the EHPS area is the officers'")
    client.force_login({"manager": manager, "officer": officer}[viewer])

    page = client.get(url if "/" in str(url) else reverse("cases:report", args=[url]))

    assert page.status_code == 200
    assert {name.split(" (")[0] for name in _worker_choices(page)} == {"Will Kerr", "Wendy Roberts"}


def test_a_waiting_list_longer_than_a_page_is_counted_once_by_its_chart(
    client, ashford, officer, manager, django_assert_num_queries
):
    from ..factories import session_queries

    many_cases(ashford, officer, 51, status=Status.OPEN, waiting_list=True)
    client.force_login(manager)
    client.get(reverse("cases:report", args=["waiting-list"]))  # the read-only mode lookup

    # The session, the person, the worker choices, the chart's counts and the page: no COUNT.
    with django_assert_num_queries(session_queries() + 4):
        page = client.get(reverse("cases:report", args=["waiting-list"]))

    assert "Count: 51" in page.text
    assert "Total on waiting lists: <strong>51</strong>" in page.text
    assert len(page.context["page"]) == 50


def test_cases_requiring_action_longer_than_a_page_are_counted_in_one_query(
    client, ashford, officer, manager, django_assert_num_queries
):
    from ..factories import session_queries

    many_cases(ashford, officer, 51, status=Status.AWAITING_DECISION)
    many_cases(ashford, officer, 52, status=Status.AWAITING_WORKER)
    many_cases(ashford, officer, 2, status=Status.PENDING)
    client.force_login(manager)
    client.get(reverse("cases:requiring_action"))  # the read-only mode lookup

    # The session, the person, the three pages and one count of all three lists.
    with django_assert_num_queries(session_queries() + 5):
        page = client.get(reverse("cases:requiring_action"))

    counts = [section["page"].paginator.count for section in page.context["sections"]]
    assert counts == [51, 52, 2]
    assert "Count: 51" in page.text and "Count: 52" in page.text and "Count: 2" in page.text
