"""The managers' daily lists and reports, and the EHPS area: each is a `Table` over the
cases the person may see (visible_to), so scoping lives in one place."""

import functools
import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from html import escape

from django import forms
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Func, IntegerField
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone

from thrive.models import District, Role, User
from thrive.ui.tables import (
    Cells,
    Column,
    Table,
    bar_chart,
    choice_column,
    field_column,
    related_column,
    render_table,
    row_url,
    table_context,
)

from .models import Case, Progressing, Status


def case_link(case):
    return row_url("cases:detail", case.thrive_id)


def _ages(referred: list) -> list[int]:
    today = timezone.localdate()
    return [(today - day).days for day in referred]


# Each column says how downloads read it from plain values (Cells), so a list downloads from
# values_list rather than a model instance per row.
THRIVE_ID = field_column("thrive_id", "Thrive ID", "thrive_id", link=case_link)
FAMILY = field_column("family", "Family second name(s)", "family_names")
CHILD = Column(
    "child",
    "Main child first and second names",
    lambda c: c.child_name,
    "child_last_name",
    cells=Cells(
        ("child_first_name", "child_last_name"), make=lambda first, last: f"{first} {last}"
    ),
)
DISTRICT = choice_column("district", "District", "district", District.choices)
STATUS = choice_column("status", "Status", "status", Status.choices)
WORKER = related_column("worker", "Name of worker", "worker", "full_name")
REFERRED = field_column("referred", "Date referred", "date_referred")
AGE = Column(
    "age",
    "Age (days)",
    lambda c: c.age_in_days,
    "-date_referred",
    numeric=True,
    cells=Cells(("date_referred",), chunk=_ages),
)
MODIFIED = field_column("modified", "Modified", "modified_at")
MODIFIED_BY = related_column("modified_by", "Modified by", "modified_by", "full_name")
ARCHIVED = field_column("archived", "Archive date", "archived_at")
SERVICE = related_column("service", "Service", "service", "name")
WAITING = field_column("waiting", "Waiting list", "waiting_list")


def _load_documents(cases: list) -> None:
    """Each case's live documents, newest first, as (pk, name) pairs: one query for the page."""
    from documents.models import Document

    listed = defaultdict(list)
    documents = (
        Document.objects.live()
        .filter(case__in=[case.pk for case in cases])
        .order_by("-modified_at")
        .values_list("case_id", "pk", "name")
    )
    for case_id, pk, name in documents:
        listed[case_id].append((pk, name))
    for case in cases:
        case.listed_documents = listed[case.pk]


def _documents_details(case) -> str:
    """The seed's "double-ended arrow": the case's documents, opened in place."""
    documents = case.listed_documents
    if not documents:
        return "None"
    items = "".join(
        f'<li><a class="govuk-link" href="{escape(row_url("documents:detail", pk))}">'
        f"{escape(name)}</a></li>"
        for pk, name in documents
    )
    count = f"{len(documents)} document{'' if len(documents) == 1 else 's'}"
    return (
        '<details class="govuk-details govuk-!-margin-bottom-0">'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        f'{count}<span class="govuk-visually-hidden"> for {escape(case.thrive_id)}</span>'
        "</span></summary>"
        f'<div class="govuk-details__text"><ul class="govuk-list govuk-body-s">{items}</ul></div>'
        "</details>"
    )


def _document_counts(cases: list[int]) -> list[int]:
    """The number of live documents of each case of a download chunk, in one query."""
    from documents.models import Document

    counts = dict(
        Document.objects.live()
        .filter(case__in=cases)
        .order_by()
        .values("case_id")
        .annotate(n=Count("*"))
        .values_list("case_id", "n")
    )
    return [counts.get(pk, 0) for pk in cases]


def documents_column() -> Column:
    """Each case's documents in an expandable row, fetched in one query for the page (and
    counted, in downloads, in one query for each chunk of rows)."""
    return Column(
        "documents",
        "Documents",
        lambda c: len(c.listed_documents),
        html=_documents_details,
        load=_load_documents,
        cells=Cells(("pk",), chunk=_document_counts),
    )


def case_table(**kwargs) -> Table:
    """A list of cases, its page read as plain values rather than model instances: every
    column here says how it is made from plain values (Cells) and the links read only the
    Thrive ID (and the documents column the primary key)."""
    return Table(plain_rows=True, row_fields=("thrive_id",), **kwargs)


def base_cases(user):
    return Case.objects.visible_to(user)


def managed_cases(user):
    """The cases a manager manages, or for EHPS officers the cases of their districts."""
    cases = base_cases(user)
    if user.has_role(Role.SERVICE_MANAGER):
        return cases.filter(service__in=user.service_ids(Role.SERVICE_MANAGER))
    return cases


def managed_filter(request, cases) -> "CaseListFilter":
    """The filters of a manager's (or EHPS officer's) list of `cases`."""
    user = request.user
    if user.has_role(Role.SERVICE_MANAGER):
        return CaseListFilter(
            request.GET or None, cases=cases, services=user.service_ids(Role.SERVICE_MANAGER)
        )
    return CaseListFilter(request.GET or None, cases=cases, districts=only_districts(user))


def only_districts(user) -> list[str] | None:
    """An EHPS officer's districts when they are all the officer sees (no worker's cases of
    their own elsewhere), else None."""
    if user.has_role(Role.EHPS_OFFICER) and not user.has_role(Role.SERVICE_WORKER):
        return user.districts()
    return None


class ThriveIdFilter(forms.Form):
    mark_optional = False

    thrive_id = forms.CharField(
        label="Thrive ID",
        required=False,
        max_length=20,
        help_text="All of it or part, for example KT000123, kt 123 or 123",
    )

    def apply(self, cases):
        if self.is_valid() and self.cleaned_data["thrive_id"]:
            return cases.matching_thrive_id(self.cleaned_data["thrive_id"])
        return cases


class CaseListFilter(ThriveIdFilter):
    worker = forms.TypedChoiceField(
        required=False, label="Name of worker", coerce=int, empty_value=None
    )
    district = forms.ChoiceField(required=False, choices=[("", "Any district"), *District.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    waiting_list = forms.ChoiceField(
        required=False, label="Waiting list", choices=[("", "Any"), ("yes", "Yes"), ("no", "No")]
    )

    def __init__(self, *args, cases, services=None, districts=None, **kwargs):
        """The Name of worker choices are the workers of the list's cases or, for a manager's
        lists (`services` given), everyone who is the worker of a case of those services, and
        for an EHPS officer's (`districts`) of a case of those districts: found by skipping
        through an index, one probe a worker, however many cases."""
        super().__init__(*args, **kwargs)
        if services is not None:
            workers = User.objects.filter(pk__in=Case.objects.workers_of_services(services))
        elif districts is not None:
            workers = User.objects.filter(pk__in=Case.objects.workers_of_districts(districts))
        else:
            workers = User.objects.filter(pk__in=cases.exclude(worker=None).values("worker"))
        self.fields["worker"].choices = [("", "Any worker")] + [
            (pk, f"{name} ({username})")
            for pk, name, username in workers.order_by("full_name").values_list(
                "pk", "full_name", "username"
            )
        ]

    def apply(self, cases):
        cases = super().apply(cases)
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data["worker"]:
            cases = cases.filter(worker_id=data["worker"])
        if data["district"]:
            cases = cases.filter(district=data["district"])
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["waiting_list"]:
            cases = cases.filter(waiting_list=data["waiting_list"] == "yes")
        return cases


def my_cases(request):
    cases = base_cases(request.user).active().filter(worker=request.user, status=Status.OPEN)
    filters = ThriveIdFilter(request.GET or None)
    table = case_table(
        title="My Cases",
        slug="my-cases",
        columns=[THRIVE_ID, FAMILY, CHILD, DISTRICT, REFERRED, MODIFIED, documents_column()],
        queryset=filters.apply(cases),
        default_sort="referred",
        filter_form=filters,
        empty="You have no open cases with your name in “Name of worker”.",
    )
    return render_table(request, table)


def managers_area(request):
    cases = managed_cases(request.user).active()
    filters = managed_filter(request, cases)
    table = case_table(
        title="Managers area",
        slug="managers-area",
        description="All cases of your service that have not been archived.",
        columns=[
            THRIVE_ID,
            FAMILY,
            CHILD,
            DISTRICT,
            STATUS,
            WORKER,
            WAITING,
            REFERRED,
            documents_column(),
        ],
        queryset=filters.apply(cases),
        default_sort="-referred",
        filter_form=filters,
    )
    return render_table(request, table)


def requiring_action(request):
    cases = managed_cases(request.user).active()

    @functools.cache
    def counts() -> Counter:
        """The three lists counted in one query, when a list is longer than its page."""
        statuses = [Status.AWAITING_DECISION, Status.AWAITING_WORKER, Status.PENDING]
        by_status = cases.filter(status__in=statuses).order_by().values("status")
        return Counter(dict(by_status.annotate(n=Count("*")).values_list("status", "n")))

    tables = [
        case_table(
            title="Cases Awaiting Decision",
            slug="awaiting-decision",
            description="New referrals from EHPS district teams, oldest first. Check daily.",
            columns=[THRIVE_ID, FAMILY, CHILD, DISTRICT, REFERRED, AGE],
            queryset=cases.filter(status=Status.AWAITING_DECISION),
            default_sort="referred",
            count=lambda: counts()[Status.AWAITING_DECISION],
        ),
        case_table(
            title="Cases Accepted Awaiting Worker",
            slug="awaiting-worker",
            description="Accepted cases without a worker yet, oldest first.",
            columns=[THRIVE_ID, FAMILY, CHILD, WAITING, REFERRED, AGE],
            queryset=cases.filter(status=Status.AWAITING_WORKER),
            default_sort="referred",
            count=lambda: counts()[Status.AWAITING_WORKER],
        ),
        case_table(
            title="Cases Pending",
            slug="pending",
            description="Discussions in progress with EHPS.",
            columns=[THRIVE_ID, FAMILY, CHILD, REFERRED, AGE],
            queryset=cases.filter(status=Status.PENDING),
            default_sort="referred",
            count=lambda: counts()[Status.PENDING],
        ),
    ]
    for table in tables:
        if request.GET.get("export") == table.slug:
            return render_table(request, table)
    return render(
        request,
        "cases/requiring_action.html",
        {"sections": [table_context(request, t, prefix=f"{t.slug}-") for t in tables]},
    )


def archive_list(request):
    cases = managed_cases(request.user).archived()
    filters = ThriveIdFilter(request.GET or None)
    table = case_table(
        title="Archive",
        slug="archive",
        description="All archived cases. They do not show in My Cases or the Managers area.",
        columns=[THRIVE_ID, ARCHIVED, FAMILY, CHILD, STATUS, DISTRICT, documents_column()],
        queryset=filters.apply(cases),
        default_sort="-archived",
        filter_form=filters,
        empty="There are no archived cases.",
    )
    return render_table(request, table)


# Every field these columns read is in the case_district_referral_rows index
# (cases/models.py REFERRAL_ROW_FIELDS), so a district's download is an index-only scan.
REFERRAL_COLUMNS = [THRIVE_ID, FAMILY, CHILD, SERVICE, STATUS, WORKER, REFERRED]


def ehps_area(request):
    cases = base_cases(request.user)
    mine = request.GET.get("mine") == "1"
    listed = cases.active().filter(referred_by=request.user) if mine else cases.active()
    filters = CaseListFilter(
        request.GET or None, cases=listed, districts=None if mine else only_districts(request.user)
    )
    tables = [
        case_table(
            title="Referrals",
            slug="referrals",
            description="Cases referred to commissioned services in your district.",
            columns=REFERRAL_COLUMNS,
            queryset=filters.apply(listed),
            default_sort="-referred",
            filter_form=filters,
        ),
        case_table(
            title="Declined cases to archive",
            slug="declined",
            columns=[THRIVE_ID, FAMILY, CHILD, SERVICE, REFERRED],
            queryset=cases.active().filter(status=Status.DECLINED),
            default_sort="referred",
            empty="There are no declined cases waiting to be archived.",
        ),
    ]
    for table in tables:
        if request.GET.get("export") == table.slug:
            return render_table(request, table)
    return render(
        request,
        "cases/ehps_area.html",
        {
            "sections": [table_context(request, t, prefix=f"{t.slug}-") for t in tables],
            "mine": mine,
        },
    )


# --- Reports --------------------------------------------------------------------------------


def case_report(*, title, slug, description, columns, cases, default_sort, empty=None):
    """A report that is a plain list of the manager's (or EHPS district's) cases."""

    def view(request):
        listed = cases(managed_cases(request.user))
        filters = managed_filter(request, listed)
        table = case_table(
            title=title,
            slug=slug,
            description=description,
            columns=columns,
            queryset=filters.apply(listed),
            default_sort=default_sort,
            filter_form=filters,
            **({"empty": empty} if empty else {}),
        )
        return render_table(request, table)

    return view


CLOSED = field_column("closed", "Date of case closure", "closure_date")

last_modified = case_report(
    title="Last Modified Cases",
    slug="last-modified",
    description="Recently modified cases that are not archived, and who modified them.",
    columns=[THRIVE_ID, FAMILY, CHILD, DISTRICT, STATUS, MODIFIED, MODIFIED_BY],
    cases=lambda cases: cases.active(),
    default_sort="-modified",
)
archived_accepted = case_report(
    title="Archived Cases – Accepted",
    slug="archived-accepted",
    description="Cases your service worked, closed and archived.",
    columns=[THRIVE_ID, ARCHIVED, FAMILY, CHILD, DISTRICT],
    cases=lambda cases: cases.archived().filter(progressing=Progressing.YES),
    default_sort="-archived",
)
archived_declined = case_report(
    title="Archived Cases – Declined",
    slug="archived-declined",
    description="Cases your service declined, archived.",
    columns=[THRIVE_ID, ARCHIVED, FAMILY, CHILD, DISTRICT],
    cases=lambda cases: cases.archived().filter(status=Status.DECLINED),
    default_sort="-archived",
)
last_modified_archived = case_report(
    title="Last Modified Archived Cases",
    slug="last-modified-archived",
    description="Archived cases, most recently modified first.",
    columns=[THRIVE_ID, ARCHIVED, FAMILY, CHILD, DISTRICT, MODIFIED, MODIFIED_BY],
    cases=lambda cases: cases.archived(),
    default_sort="-modified",
)
closed_without_summary = case_report(
    title="Closed Cases without closure summary",
    slug="closed-without-summary",
    description="Closed cases with no closure summary, and the worker to ask for it.",
    columns=[THRIVE_ID, FAMILY, CHILD, WORKER, CLOSED],
    cases=lambda cases: cases.filter(status=Status.CLOSED, closure_summary=""),
    default_sort="closed",
    empty="Every closed case has a closure summary.",
)


def by_status_and_district(request):
    active = managed_cases(request.user).active()
    filters = managed_filter(request, active)
    counts = filters.apply(active).order_by().values("district", "status").annotate(n=Count("*"))
    labels_d, labels_s = dict(District.choices), dict(Status.choices)
    rows = [
        {"district": labels_d[r["district"]], "status": labels_s[r["status"]], "n": r["n"]}
        for r in sorted(counts, key=lambda r: (labels_d[r["district"]], r["status"]))
    ]
    per_status = Counter()
    for r in rows:
        per_status[r["status"]] += r["n"]
    table = Table(
        title="Cases by status and district",
        slug="status-by-district",
        description="Cases that are not archived, counted by status and district.",
        columns=[
            Column("district", "District", lambda r: r["district"]),
            Column("status", "Status", lambda r: r["status"]),
            Column("n", "Cases", lambda r: r["n"], numeric=True),
        ],
        queryset=rows,
        chart=[(label, per_status[label]) for label in labels_s.values() if per_status[label]],
        empty="There are no cases.",
        filter_form=filters,
    )
    return render_table(request, table, chart=bar_chart(table.chart))


def _percentile(values, q):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _days(value):
    """A median or percentile of days as the report shows it: to one decimal place, whole
    numbers without one, blank when there is nothing to measure."""
    if value is None or value == "":
        return ""
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


class _Days(Func):
    """Days from one date to another: PostgreSQL's date - date is a whole number of days."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class _Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the same linear interpolation as statistics.quantiles'
    "inclusive" method (and statistics.median at 0.5). Nulls are left out."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _response_time_groups(cases):
    """(service, "YYYY-MM", decisions, decision median, p90, contact median, p90) for each
    service and month of referral. On PostgreSQL the medians and percentiles are computed by
    the database, a row a group (not a row a case); elsewhere (SQLite) in Python."""
    if connection.vendor == "postgresql":
        decided = _Days("response_date", "date_referred")
        contacted = _Days("first_contact_family", "date_referred")
        groups = (
            cases.order_by()
            .annotate(month=TruncMonth("date_referred"))
            .values("service__name", "month")
            .annotate(
                decided=Count("response_date"),
                dm=_Percentile(decided, 0.5),
                dp=_Percentile(decided, 0.9),
                cm=_Percentile(contacted, 0.5),
                cp=_Percentile(contacted, 0.9),
            )
            .values_list("service__name", "month", "decided", "dm", "dp", "cm", "cp")
        )
        return [
            (service, month.strftime("%Y-%m"), n, dm, dp, cm, cp)
            for service, month, n, dm, dp, cm, cp in groups
        ]
    rows = cases.order_by().values_list(
        "service__name", "date_referred", "response_date", "first_contact_family"
    )
    grouped = defaultdict(lambda: ([], []))
    for service, referred, decided, contacted in rows:
        decisions, contacts = grouped[(service, referred.strftime("%Y-%m"))]
        if decided:
            decisions.append((decided - referred).days)
        if contacted:
            contacts.append((contacted - referred).days)

    def stats(values):
        if not values:
            return None, None
        values = sorted(values)
        return statistics.median(values), _percentile(values, 90)

    return [
        (service, month, len(decisions), *stats(decisions), *stats(contacts))
        for (service, month), (decisions, contacts) in grouped.items()
    ]


def response_times(request):
    """Days from referral to decision and to first contact, per service and month of
    referral, over the last twelve months: median and 90th percentile."""
    since = timezone.localdate().replace(day=1) - timedelta(days=365)
    recent = managed_cases(request.user).filter(date_referred__gte=since)
    filters = managed_filter(request, recent)
    table_rows = [
        {
            "service": service,
            "month": month,
            "decided": decided,
            "decision_median": _days(dm),
            "decision_p90": _days(dp),
            "contact_median": _days(cm),
            "contact_p90": _days(cp),
        }
        for service, month, decided, dm, dp, cm, cp in sorted(
            _response_time_groups(filters.apply(recent)), key=lambda group: group[:2]
        )
    ]
    table = Table(
        title="Time from referral to decision and first contact",
        slug="response-times",
        description="Days, by service and month of referral, for the last twelve months.",
        columns=[
            Column("service", "Service", lambda r: r["service"]),
            Column("month", "Month referred", lambda r: r["month"]),
            Column("decided", "Decisions", lambda r: r["decided"], numeric=True),
            Column("dm", "To decision: median", lambda r: r["decision_median"], numeric=True),
            Column("dp", "To decision: 90th percentile", lambda r: r["decision_p90"], numeric=True),
            Column("cm", "To first contact: median", lambda r: r["contact_median"], numeric=True),
            Column(
                "cp", "To first contact: 90th percentile", lambda r: r["contact_p90"], numeric=True
            ),
        ],
        queryset=table_rows,
        empty="No referrals in the last twelve months.",
        filter_form=filters,
    )
    return render_table(request, table)


def waiting_list(request):
    active = managed_cases(request.user).active()
    filters = managed_filter(request, active)
    waiting = (
        filters.apply(active)
        .filter(waiting_list=True, first_contact_family__isnull=True)
        .filter(status__in=[Status.AWAITING_WORKER, Status.OPEN])
    )
    counts = (
        waiting.order_by().values("service__name").annotate(n=Count("pk")).order_by("service__name")
    )
    pairs = [(r["service__name"], r["n"]) for r in counts]
    table = case_table(
        title="Waiting list",
        slug="waiting-list",
        description="Accepted cases on a waiting list with no first contact with the family yet.",
        columns=[
            THRIVE_ID,
            SERVICE,
            FAMILY,
            field_column("start", "Predicted start", "predicted_start_date"),
            REFERRED,
            AGE,
        ],
        queryset=waiting,
        default_sort="referred",
        chart=pairs,
        empty="No cases are on a waiting list.",
        filter_form=filters,
        count=sum(n for _, n in pairs),  # the chart counts the same cases
    )
    return render_table(request, table, chart=bar_chart(pairs), total=table.count)


REPORTS = {
    "last-modified": {"title": "Last Modified Cases", "view": last_modified},
    "archived-accepted": {"title": "Archived Cases – Accepted", "view": archived_accepted},
    "archived-declined": {"title": "Archived Cases – Declined", "view": archived_declined},
    "last-modified-archived": {
        "title": "Last Modified Archived Cases",
        "view": last_modified_archived,
    },
    "closed-without-summary": {
        "title": "Closed Cases without closure summary",
        "view": closed_without_summary,
    },
    "status-by-district": {"title": "Cases by status and district", "view": by_status_and_district},
    "response-times": {
        "title": "Time from referral to decision and first contact",
        "view": response_times,
    },
    "waiting-list": {"title": "Waiting list", "view": waiting_list},
}
