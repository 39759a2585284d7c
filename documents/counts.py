"""Counts of a service's documents kept with every change, so that the managers' document
reports read a page of rows and a stored count instead of every document of the service:
per case (live documents and the latest upload: Documents by case), per fingerprint on more
than one case (Possible duplicate documents) and its documents in each district (an EHPS
officer's), per service (the page counts) and per district (an EHPS officer's page counts,
moved with the cases' and fingerprints' rows).

Every change to the live documents (documents/services.py: upload, new version, Edit
Properties, bin, restore) calls `recount` in its own transaction, after the change. It locks
the service's row first, so one service's counts change one transaction at a time; it then
recomputes the rows of the cases and fingerprints the change touched from the documents
themselves (a few index entries each) and moves the service's totals by the difference.
Under READ COMMITTED each statement sees every change committed before it, and a change not
yet committed is recounted by its own transaction once it holds the lock: the stored rows are
always the counts computed from scratch. `differences` compares the two, and
`manage.py document_counts` reports (or, with --rebuild, repairs) any difference."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum

from .models import (
    CaseDocumentCount,
    DistrictDocumentCount,
    DistrictDuplicate,
    Document,
    PossibleDuplicate,
    ServiceDocumentCount,
)


@transaction.atomic(savepoint=False)
def recount(
    service_id: int,
    *,
    cases: Iterable[int | None] = (),
    fingerprints: Iterable[str] = (),
    documents: int = 0,
) -> None:
    """Bring the counts up to date after a change to the service's documents: `cases` (ids;
    None is ignored) and `fingerprints` (SHA-256) whose live linked documents changed, and
    `documents`, the change in the service's live documents (+1 uploaded or restored, -1
    moved to the bin). Call it in the transaction that made the change, as late as possible:
    the service's row stays locked until that transaction ends."""
    totals, _ = ServiceDocumentCount.objects.select_for_update().get_or_create(
        service_id=service_id
    )
    moved: dict[str, list[int]] = {}  # each district's change in its three totals
    totals.cases += _recount_cases(service_id, {c for c in cases if c is not None}, moved)
    totals.duplicates += _recount_fingerprints(service_id, set(fingerprints), moved)
    totals.documents += documents
    totals.save()
    _move_district_totals(moved)


def _moved(moved: dict[str, list[int]], district: str) -> list[int]:
    return moved.setdefault(district, [0, 0, 0])  # documents, cases, duplicates


def _recount_cases(service_id: int, cases: set[int], moved: dict[str, list[int]]) -> int:
    """Recompute the cases' rows, adding the change to their districts' totals to `moved`;
    the change in the number of the service's cases with live documents."""
    if not cases:
        return 0
    before = {
        case_id: (district, n)
        for case_id, district, n in CaseDocumentCount.objects.filter(case__in=cases).values_list(
            "case_id", "district", "documents"
        )
    }
    now = {
        case_id: (district, n, latest)
        for case_id, district, n, latest in Document.objects.live()
        .filter(case__in=cases)
        .order_by()
        .values("case_id", "case__district")
        .annotate(n=Count("*"), latest=Max("created_at"))
        .values_list("case_id", "case__district", "n", "latest")
    }
    if before.keys() - now.keys():
        CaseDocumentCount.objects.filter(case__in=before.keys() - now.keys()).delete()
    if now:
        CaseDocumentCount.objects.bulk_create(
            [
                CaseDocumentCount(
                    case_id=case_id,
                    service_id=service_id,
                    district=district,
                    documents=n,
                    latest_upload=latest,
                )
                for case_id, (district, n, latest) in now.items()
            ],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["service", "district", "documents", "latest_upload"],
        )
    for district, n in before.values():
        totals = _moved(moved, district)
        totals[0] -= n
        totals[1] -= 1
    for district, n, _ in now.values():
        totals = _moved(moved, district)
        totals[0] += n
        totals[1] += 1
    return len(now) - len(before)


def _move_district_totals(moved: dict[str, list[int]]) -> None:
    """Add (documents, cases, duplicates) to each district's totals, its row made (empty) the
    first time:
    in the districts' order, so that two services' changes in one district wait for each other
    and never deadlock. (A district's row is shared by its services; each service's changes
    are already one at a time under its own row's lock.)"""
    with connection.cursor() as cursor:
        for district in sorted(moved):
            documents, cases, duplicates = moved[district]
            if not (documents or cases or duplicates):
                continue
            cursor.execute(
                "INSERT INTO documents_districtdocumentcount"
                " (district, documents, cases, duplicates)"
                " VALUES (%s, 0, 0, 0) ON CONFLICT (district) DO NOTHING",
                [district],
            )
            cursor.execute(
                "UPDATE documents_districtdocumentcount SET documents = documents + %s,"
                " cases = cases + %s, duplicates = duplicates + %s WHERE district = %s",
                [documents, cases, duplicates, district],
            )


def _recount_fingerprints(
    service_id: int, fingerprints: set[str], moved: dict[str, list[int]]
) -> int:
    """Recompute the fingerprints' rows, and their rows by district (adding the change to
    the districts' duplicates to `moved`); the change in the service's live documents whose
    file is on more than one case (a fingerprint is on a case at most once, so that is the
    sum of the rows' cases)."""
    if not fingerprints:
        return 0
    mine = PossibleDuplicate.objects.filter(service_id=service_id, sha256__in=fingerprints)
    before = dict(mine.values_list("sha256", "cases"))
    now = dict(
        Document.objects.live()
        .filter(service_id=service_id, sha256__in=fingerprints, case__isnull=False)
        .order_by()
        .values("sha256")
        .annotate(cases=Count("case", distinct=True))
        .filter(cases__gt=1)
        .values_list("sha256", "cases")
    )
    if before.keys() - now.keys():
        mine.filter(sha256__in=before.keys() - now.keys()).delete()
    if now:
        PossibleDuplicate.objects.bulk_create(
            [PossibleDuplicate(service_id=service_id, sha256=s, cases=n) for s, n in now.items()],
            update_conflicts=True,
            unique_fields=["service", "sha256"],
            update_fields=["cases"],
        )
    _recount_district_fingerprints(service_id, fingerprints, set(now), moved)
    return sum(now.values()) - sum(before.values())


def _recount_district_fingerprints(
    service_id: int, fingerprints: set[str], repeated: set[str], moved: dict[str, list[int]]
) -> None:
    """Recompute the fingerprints' district rows: each repeated one's live documents on each
    district's cases (a case's district never changes, so a change to a document's case or
    its file is a change to the fingerprints recounted here)."""
    mine = DistrictDuplicate.objects.filter(service_id=service_id, sha256__in=fingerprints)
    before = {(d, sha): n for d, sha, n in mine.values_list("district", "sha256", "documents")}
    now = {}
    if repeated:
        now = {
            (district, sha): n
            for district, sha, n in Document.objects.live()
            .filter(service_id=service_id, sha256__in=repeated, case__isnull=False)
            .order_by()
            .values("case__district", "sha256")
            .annotate(n=Count("*"))
            .values_list("case__district", "sha256", "n")
        }
    if gone := before.keys() - now.keys():
        mine.filter(
            functools.reduce(operator.or_, (Q(district=d, sha256=sha) for d, sha in gone))
        ).delete()
    if now:
        DistrictDuplicate.objects.bulk_create(
            [
                DistrictDuplicate(district=d, service_id=service_id, sha256=sha, documents=n)
                for (d, sha), n in now.items()
            ],
            update_conflicts=True,
            unique_fields=["district", "sha256", "service"],
            update_fields=["documents"],
        )
    for (district, _), n in before.items():
        _moved(moved, district)[2] -= n
    for (district, _), n in now.items():
        _moved(moved, district)[2] += n


def service_total(services: list[int], total: str) -> int:
    """One of the services' totals ("documents", "cases" or "duplicates"), summed: the count
    of a manager's report over their services, read instead of counted."""
    totals = ServiceDocumentCount.objects.filter(service__in=services)
    return totals.aggregate(n=Sum(total))["n"] or 0


def district_total(districts: list[str], total: str) -> int:
    """One of the districts' totals ("documents", "cases" or "duplicates"), summed: the count
    of an EHPS officer's report over their districts."""
    totals = DistrictDocumentCount.objects.filter(district__in=districts)
    return totals.aggregate(n=Sum(total))["n"] or 0


# --- From scratch: the migration's fill, bench/data.py's bulk build, the check ----------------

_CASES = """
    SELECT d.case_id, d.service_id, c.district, count(*), max(d.created_at)
    FROM documents_document d JOIN cases_case c ON c.id = d.case_id
    WHERE d.deleted_at IS NULL GROUP BY d.case_id, d.service_id, c.district
"""
_FINGERPRINTS = """
    SELECT service_id, sha256, count(DISTINCT case_id) FROM documents_document
    WHERE deleted_at IS NULL AND case_id IS NOT NULL GROUP BY service_id, sha256
    HAVING count(DISTINCT case_id) > 1
"""
_SERVICES = """
    SELECT s.id,
        (SELECT count(*) FROM documents_document d
         WHERE d.service_id = s.id AND d.deleted_at IS NULL),
        (SELECT count(*) FROM documents_casedocumentcount c WHERE c.service_id = s.id),
        (SELECT coalesce(sum(p.cases), 0) FROM documents_possibleduplicate p
         WHERE p.service_id = s.id)
    FROM thrive_service s
"""
_DISTRICTS = f"""
    SELECT c.district, count(*), count(DISTINCT d.case_id), count(p.sha256)
    FROM documents_document d JOIN cases_case c ON c.id = d.case_id
    LEFT JOIN ({_FINGERPRINTS}) p ON p.service_id = d.service_id AND p.sha256 = d.sha256
    WHERE d.deleted_at IS NULL GROUP BY c.district
"""  # noqa: S608 (our own statement)
_DISTRICT_FINGERPRINTS = f"""
    SELECT c.district, d.service_id, d.sha256, count(*)
    FROM documents_document d JOIN cases_case c ON c.id = d.case_id
    JOIN ({_FINGERPRINTS}) p ON p.service_id = d.service_id AND p.sha256 = d.sha256
    WHERE d.deleted_at IS NULL GROUP BY c.district, d.service_id, d.sha256
"""  # noqa: S608 (our own statement)
TABLES = {
    "documents_casedocumentcount (case_id, service_id, district, documents, latest_upload)": (
        _CASES
    ),
    "documents_districtdocumentcount (district, documents, cases, duplicates)": _DISTRICTS,
    "documents_possibleduplicate (service_id, sha256, cases)": _FINGERPRINTS,
    "documents_districtduplicate (district, service_id, sha256, documents)": (
        _DISTRICT_FINGERPRINTS
    ),
    "documents_servicedocumentcount (service_id, documents, cases, duplicates)": _SERVICES,
}


def rebuild(cursor) -> None:
    """Replace every count with one computed from scratch (an INSERT … SELECT … GROUP BY a
    table). On PostgreSQL the documents are locked against changes meanwhile (SHARE mode:
    readers go on, uploads wait), so no change falls between the counting and the commit.
    The migrations that made the tables (0005 to 0007) fill them with copies of these
    statements as they were then."""
    if connection.vendor == "postgresql":
        cursor.execute("LOCK TABLE documents_document IN SHARE MODE")
    for table, select in TABLES.items():
        cursor.execute(f"DELETE FROM {table.split()[0]}")  # noqa: S608 (our table names)
        cursor.execute(f"INSERT INTO {table} {select}")  # noqa: S608


def differences() -> list[str]:
    """Every stored count that differs from the count computed from scratch (none, unless a
    change bypassed documents/services.py)."""
    found = []
    with connection.cursor() as cursor:
        for table, select in TABLES.items():
            name, columns = table.split(" ", 1)
            cursor.execute(f"SELECT {columns.strip('()')} FROM {name}")  # noqa: S608
            stored = {_plain(row) for row in cursor.fetchall()}
            cursor.execute(select)
            computed = {_plain(row) for row in cursor.fetchall()}
            if name in ("documents_servicedocumentcount", "documents_districtdocumentcount"):
                # a missing row counts nothing
                stored = {row for row in stored if any(row[1:])}
                computed = {row for row in computed if any(row[1:])}
            found += [f"{name}: stored {row}, not counted" for row in sorted(stored - computed)]
            found += [f"{name}: counted {row}, not stored" for row in sorted(computed - stored)]
    return found


def _plain(row: tuple) -> tuple:
    """A row as comparable values: SQLite gives a column's datetimes as datetimes but an
    aggregate's (max) as text."""
    return tuple(str(value) if isinstance(value, datetime) else value for value in row)
