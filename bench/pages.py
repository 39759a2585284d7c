"""The pages `make bench` measures, and who looks at them. To measure another page, add a
`Page` to PAGES (or append to it from another module imported by bench.measure): a name, a
function giving its URL and one giving the person who opens it."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from thrive.models import User

from .data import BUSY_CASE_DOCUMENTS, busy_case_id, measured_service
from .pdf import clinician, pdf_url


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[], str]
    user: Callable[[], User]
    download: bool = False  # a CSV/XLSX download: timed to its last byte, rows a second shown
    data: Callable[[], dict] | None = None  # a form POSTed to the URL (bench/search.py)
    # Within this many ms (p50), instead of within 2x its floor: work that is not SQL (a PDF).
    target_ms: float | None = None


@functools.cache
def manager() -> User:
    return User.objects.get(username=f"mgr-{measured_service().pk}")


@functools.cache
def officer() -> User:
    return User.objects.get(username=f"ehps-{measured_service().district}")


@functools.cache
def worker() -> User:
    """The measured service's worker with the most open cases."""
    from django.db.models import Count

    from cases.models import Case, Status

    busiest = (
        Case.objects.filter(
            service=measured_service(), status=Status.OPEN, archived_at__isnull=True
        )
        .values("worker")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return User.objects.get(pk=busiest["worker"])


def signed_in_client(user):
    """A test client signed in as `user`, the whole sign-in included: a health partner
    person's emailed code counts as entered, as their real sign-in records it."""
    from django.test import Client

    from portal.people.accounts import SESSION_PORTAL_PERSON, is_portal_person
    from portal.people.codes import device_for

    client = Client()
    client.force_login(user)
    if is_portal_person(user):
        session = client.session
        session[SESSION_PORTAL_PERSON] = True
        session["otp_device_id"] = device_for(user).persistent_id
        session.save()
    return client


def report(slug: str, query: str = "") -> Callable[[], str]:
    return lambda: reverse("cases:report", args=[slug]) + query


def named(name: str, query: str = "") -> Callable[[], str]:
    return lambda: reverse(name) + query


def case_page() -> str:
    from cases.models import Case

    return reverse("cases:detail", args=[Case.objects.get(pk=busy_case_id()).thrive_id])


PAGES = [
    Page("My Cases (worker)", named("cases:my_cases"), worker),
    Page("Managers area", named("cases:managers_area"), manager),
    Page("Managers area, page 20", named("cases:managers_area", "?page=20"), manager),
    Page("Managers area, by family name", named("cases:managers_area", "?sort=family"), manager),
    Page("Managers area, status open", named("cases:managers_area", "?status=open"), manager),
    Page("Cases Requiring Action", named("cases:requiring_action"), manager),
    Page("Archive", named("cases:archive_list"), manager),
    Page("EHPS area (district)", named("cases:ehps_area"), officer),
    Page("Report: Last Modified Cases", report("last-modified"), manager),
    Page("Report: Archived Cases – Accepted", report("archived-accepted"), manager),
    Page("Report: Archived Cases – Declined", report("archived-declined"), manager),
    Page("Report: Last Modified Archived Cases", report("last-modified-archived"), manager),
    Page("Report: Closed without closure summary", report("closed-without-summary"), manager),
    Page("Report: Cases by status and district", report("status-by-district"), manager),
    Page("Report: Response times", report("response-times"), manager),
    Page("Report: Waiting list", report("waiting-list"), manager),
    Page("Report: Last Modified Cases (EHPS)", report("last-modified"), officer),
    Page(f"Case page ({BUSY_CASE_DOCUMENTS} documents)", case_page, manager),
    Page("Report: Latest Documents Uploaded", report("latest-documents"), manager),
    Page("Report: Documents with No Thrive ID", report("no-thrive-id"), manager),
    Page("Report: Documents by case", report("documents-by-case"), manager),
    Page("Report: Documents by case, page 20", report("documents-by-case", "?page=20"), manager),
    Page("Report: Possible duplicate documents", report("possible-duplicates"), manager),
    Page(
        "Report: Documents by case, by Thrive ID",
        report("documents-by-case", "?sort=thrive_id"),
        manager,
    ),
    Page(
        "Report: Documents by case, by family name",
        report("documents-by-case", "?sort=family"),
        manager,
    ),
    # An EHPS officer's document reports: their district's cases' documents (district counts).
    Page("Report: Latest Documents Uploaded (EHPS)", report("latest-documents"), officer),
    Page("Report: Documents by case (EHPS)", report("documents-by-case"), officer),
    Page("Report: Possible duplicate documents (EHPS)", report("possible-duplicates"), officer),
    Page("Print PDF (50-row form)", pdf_url, clinician, target_ms=150),
    Page(
        "Download: EHPS district referrals CSV",
        named("cases:ehps_area", "?export=referrals&format=csv"),
        officer,
        download=True,
    ),
    Page(
        "Download: Managers area XLSX",
        named("cases:managers_area", "?export=managers-area&format=xlsx"),
        manager,
        download=True,
    ),
]
