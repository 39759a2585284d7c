"""The pages `make bench` measures, and who looks at them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from thrive.models import District, User


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[], str]
    user: Callable[[], User]


def manager():
    return User.objects.get(username="mgr-" + str(_busiest_service()))


def officer():
    return User.objects.get(username=f"ehps-{District.ASHFORD}")


def worker():
    from django.db.models import Count

    from cases.models import Case, Status

    busiest = (
        Case.objects.filter(status=Status.OPEN, archived_at__isnull=True)
        .values("worker")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return User.objects.get(pk=busiest["worker"])


def _busiest_service():
    from thrive.models import Service

    return Service.objects.order_by("name").first().pk


def report(slug):
    return lambda: reverse("cases:report", args=[slug])


PAGES = [
    Page("My Cases (worker)", lambda: reverse("cases:my_cases"), worker),
    Page("Managers area", lambda: reverse("cases:managers_area"), manager),
    Page(
        "Managers area, sorted by family name",
        lambda: reverse("cases:managers_area") + "?sort=family",
        manager,
    ),
    Page(
        "Managers area, filtered by status",
        lambda: reverse("cases:managers_area") + "?status=open",
        manager,
    ),
    Page("Cases Requiring Action", lambda: reverse("cases:requiring_action"), manager),
    Page("Archive", lambda: reverse("cases:archive_list"), manager),
    Page("EHPS area (district)", lambda: reverse("cases:ehps_area"), officer),
    Page("Report: Last Modified Cases", report("last-modified"), manager),
    Page("Report: Archived Cases – Accepted", report("archived-accepted"), manager),
    Page("Report: Archived Cases – Declined", report("archived-declined"), manager),
    Page("Report: Last Modified Archived Cases", report("last-modified-archived"), manager),
    Page("Report: Closed without closure summary", report("closed-without-summary"), manager),
    Page("Report: Cases by status and district", report("status-by-district"), manager),
    Page("Report: Response times", report("response-times"), manager),
    Page("Report: Waiting list", report("waiting-list"), manager),
    Page("Report: Last Modified Cases (EHPS district)", report("last-modified"), officer),
]
