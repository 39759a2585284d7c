"""The SEND officers' dashboard: tasks due this week, overdue tasks, and the share of tasks
submitted on time per health partner per month (the 6-week statutory timeframe)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from thrive import audit
from thrive.access import role_required
from thrive.models import Role
from thrive.ui.tables import Column, Table, bar_chart

from ..models import Status, Task
from . import tables

MONTHS = 12


def week_end(today: date) -> date:
    """The Sunday of this week."""
    return today + timedelta(days=6 - today.weekday())


def on_time_rows(tasks, today: date) -> list[dict]:
    """Per health partner and month of the Required By date (the last 12 months): tasks due,
    submitted on time (on or before Required By) and the share, as a whole percentage.
    Retracted and declined tasks are left out; open tasks not yet due are too."""
    since = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    rows = (
        tasks.exclude(status__in=[Status.RETRACTED, Status.DECLINED])
        .filter(required_by__gte=since, required_by__lt=today)
        .annotate(month=TruncMonth("required_by"))
        .values("work_group__organisation__name", "month")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(status=Status.SUBMITTED, submitted_at__date__lte=F("required_by")),
            ),
        )
        .order_by("-month", "work_group__organisation__name")
    )
    return [
        {
            "partner": row["work_group__organisation__name"],
            "month": row["month"],
            "due": row["due"],
            "on_time": row["on_time"],
            "share": round(100 * row["on_time"] / row["due"]) if row["due"] else 0,
        }
        for row in rows
    ]


COLUMNS = [
    tables.form_type("portal:send_task"),
    tables.NAME,
    tables.WORK_TRAY,
    tables.CLINICIAN,
    tables.DUE,
    tables.STATUS,
]

ON_TIME_COLUMNS = [
    Column("partner", "Health partner", lambda r: r["partner"]),
    Column("month", "Month due", lambda r: f"{r['month']:%b %Y}"),
    Column("due", "Tasks due", lambda r: r["due"], numeric=True),
    Column("on_time", "Submitted on time", lambda r: r["on_time"], numeric=True),
    Column("share", "Share on time", lambda r: f"{r['share']}%", numeric=True),
]


@role_required(Role.SEND_OFFICER)
def send_dashboard(request):
    from .views import _tables_page

    today = timezone.localdate()
    tasks = Task.objects.visible_to(request.user)
    rows = on_time_rows(tasks, today)
    tables_ = [
        Table(
            title="Due this week",
            slug="due-this-week",
            description=f"Open tasks due from today to {week_end(today):%d-%b-%Y}.",
            columns=COLUMNS,
            queryset=tasks.open().filter(required_by__range=(today, week_end(today))),
            default_sort="due",
            empty="No open tasks are due this week.",
        ),
        Table(
            title="Overdue",
            slug="overdue",
            description="Open tasks whose Required By date has passed.",
            columns=COLUMNS,
            queryset=tasks.overdue(today),
            default_sort="due",
            empty="No tasks are overdue.",
        ),
        Table(
            title="Submitted on time",
            slug="on-time",
            description="Tasks due in each of the last 12 months, per health partner: how many "
            "were submitted on or before their Required By date. Retracted and declined tasks "
            "are not counted.",
            columns=ON_TIME_COLUMNS,
            queryset=rows,
            empty="No tasks were due in the last 12 months.",
        ),
    ]
    audit.record(request, "viewed", object_type="report", object_id="portal-dashboard")
    chart = bar_chart([(f"{r['partner']} {r['month']:%b %Y}", r["share"]) for r in rows[:12]])
    return _tables_page(request, "portal/send_dashboard.html", tables_, chart=chart)
