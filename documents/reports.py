"""The managers' document reports, through the one list mechanism (thrive.ui.tables): Latest
Documents Uploaded, Documents with No Thrive ID, documents by case, possible duplicates, and
the bin. Registered into cases.reports.REPORTS (see DocumentsConfig.ready), so they sit in
the same Reports index."""

import functools
import operator
from datetime import UTC, datetime
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from cases.models import Case
from cases.reports import FAMILY, THRIVE_ID, case_link, managed_cases, only_districts
from thrive.models import Role
from thrive.ui.lists import PAGE_SIZE
from thrive.ui.tables import (
    Cells,
    Column,
    PlainRow,
    Table,
    field_cells,
    field_column,
    render_table,
    row_url,
)

from .counts import district_total, service_total
from .models import CaseDocumentCount, DistrictDuplicate, Document, PossibleDuplicate


def _url(name: str, document) -> str:
    return row_url(name, document.pk)


def document_link(document) -> str:
    return _url("documents:detail", document)


def _person_or_imported(person_id, name):
    return name if person_id else "Imported"


def _case_link(document) -> str:
    """The link to a document's case, from the document or from a plain row of a report
    (whose case__thrive_id is its case's Thrive ID, None when it has none)."""
    if isinstance(document, PlainRow):
        thrive_id = document.case__thrive_id
        return row_url("cases:detail", thrive_id) if thrive_id else ""
    return case_link(document.case) if document.case_id else ""


DOC_THRIVE_ID = Column(
    "thrive_id",
    "Thrive ID",
    lambda d: d.case.thrive_id if d.case_id else "",
    "case__thrive_id",
    _case_link,
    cells=field_cells("case__thrive_id"),
)
NAME = field_column("name", "Name", "name", link=document_link)
TITLE = field_column("title", "Title", "title")
CREATED = field_column("created", "Created", "created_at")
UPLOADED_BY = Column(
    "uploaded_by",
    "Uploaded by",
    lambda d: d.created_by.full_name if d.created_by_id else "Imported",
    "created_by__full_name",
    cells=Cells(("created_by_id", "created_by__full_name"), make=_person_or_imported),
)
MODIFIED = field_column("modified", "Modified", "modified_at")
MODIFIED_BY = Column(
    "modified_by",
    "Modified by",
    lambda d: d.modified_by.full_name if d.modified_by_id else "Imported",
    "modified_by__full_name",
    cells=Cells(("modified_by_id", "modified_by__full_name"), make=_person_or_imported),
)


DOWNLOAD = Column(
    "download", "Download", lambda d: "Download", link=lambda d: _url("documents:download", d)
)


def case_documents_table(case) -> Table:
    """The Documents section of a case page (and its full list and downloads)."""
    return Table(
        title=f"Documents of {case.thrive_id}",
        slug="case-documents",
        columns=[NAME, TITLE, MODIFIED, MODIFIED_BY, DOWNLOAD],
        queryset=Document.objects.live().filter(case=case).prefetch_related("modified_by"),
        default_sort="-modified",
        per_page=20,
        empty="No documents are linked to this case yet.",
    )


def managed_documents(user):
    """A manager's services' documents (or, for an EHPS officer, those of their districts'
    cases), narrowed like cases.reports.managed_cases. For managers this is exactly what
    Document.visible_to gives them — every case of their services and the unlinked documents —
    because a document's service is always its case's service; filtering on the service alone
    lets PostgreSQL use the (service, created_at) indexes instead of an OR of two subqueries."""
    if user.has_role(Role.SERVICE_MANAGER):
        # The ids, not a subquery: `service_id IN (5)` lets PostgreSQL walk an index in order.
        documents = Document.objects.live().filter(
            service__in=user.service_ids(Role.SERVICE_MANAGER)
        )
    elif districts := only_districts(user):
        # An EHPS officer's: the documents of their districts' cases, as a join (what
        # Document.visible_to gives them) rather than `case_id IN (every case of the district)`.
        documents = Document.objects.live().filter(case__district__in=districts)
    else:
        documents = Document.objects.visible_to(user).live()
    # Related rows are fetched for the page shown only, not joined before the LIMIT.
    return documents.prefetch_related("case", "created_by")


def _managed_total(user, total: str):
    """The kept total (documents/counts.py) that counts a report over exactly
    managed_documents: a manager's services', an EHPS officer's districts' ("documents" and
    "cases"); None for anyone else, whose lists are counted."""
    services = user.service_ids(Role.SERVICE_MANAGER)
    if user.has_role(Role.SERVICE_MANAGER):
        return functools.partial(service_total, services, total) if services else None
    districts = only_districts(user)
    if districts:
        return functools.partial(district_total, districts, total)
    return None


LATEST_BY_CASES = 10_000  # documents deep: beyond, the cases' ids would be a long list
DUPLICATES_BY_FINGERPRINTS = 10_000  # the same for an officer's possible duplicates


def _first_duplicates(districts: list[str], upto: int) -> Q:
    """The districts' first `upto` possible duplicates in fingerprint order and the
    documents that tie with them, as each service's fingerprints: the kept district rows in
    that order (at most `upto`, each a document or more) until their documents reach `upto`,
    and the rows of the last fingerprint's other services. A page then reads only those
    documents (by the fingerprint index), not those of every repeated fingerprint of every
    service with a case in the district (1,822 documents at 1,000,000 cases)."""
    rows = DistrictDuplicate.objects.filter(district__in=districts).order_by("sha256", "service")
    found: dict[int, list[str]] = {}
    total, last, read = 0, None, 0
    for service, sha256, documents in rows.values_list("service", "sha256", "documents")[:upto]:
        if total >= upto and sha256 != last:
            break
        found.setdefault(service, []).append(sha256)
        total, last, read = total + documents, sha256, read + 1
    else:
        if read == upto:  # the last fingerprint may have rows past those read: read them all
            for service in rows.filter(sha256=last).values_list("service", flat=True):
                if last not in found.get(service, []):
                    found.setdefault(service, []).append(last)
    return functools.reduce(
        operator.or_,
        (Q(service=service, sha256__in=fingerprints) for service, fingerprints in found.items()),
        Q(pk__in=[]),
    )


def _latest_of_districts(documents, districts: list[str], upto: int):
    """The district's documents that can be among its `upto` newest: those of the cases whose
    latest upload is at least the `upto`-th newest case's (read from the kept counts' index,
    `upto` rows). Each of the `upto` newest documents is on such a case: a document on a case
    whose latest upload is older has `upto` newer documents (each of those cases' latest), so
    is not among them. Newest first, a page costs what its cases' documents cost, not the
    district's 450,000 documents at 1,000,000 cases. (One query more than a manager's page.)"""
    counts = CaseDocumentCount.objects.filter(district__in=districts)
    nth = counts.order_by("-latest_upload").values("latest_upload")[upto - 1 : upto]
    oldest = Coalesce(Subquery(nth), Value(datetime.min.replace(tzinfo=UTC)))
    # The cases' ids as values (a few dozen a page): PostgreSQL then probes their documents
    # rather than joining every case of the district to an estimate of the subquery.
    recent = list(counts.filter(latest_upload__gte=oldest).values_list("case_id", flat=True))
    return documents.filter(case__in=recent)


def document_table(**kwargs) -> Table:
    """A report of documents, its page read as plain values rather than model instances:
    every column here says how it is made from plain values (Cells), and the links read only
    the document's primary key and its case's Thrive ID."""
    return Table(plain_rows=True, **kwargs)


def latest_documents(request):
    documents = managed_documents(request.user)
    districts = only_districts(request.user)
    # A page newest first, within the first 10,000 (a download, another order or a page
    # deeper than that reads every document of the district).
    upto = _page_number(request) * PAGE_SIZE
    a_page = request.GET.get("sort", "-created") == "-created" and "export" not in request.GET
    if (
        districts
        and a_page
        and upto <= LATEST_BY_CASES
        and not request.user.has_role(Role.SERVICE_MANAGER)
    ):
        documents = _latest_of_districts(documents, districts, upto)
    table = document_table(
        title="Latest Documents Uploaded",
        slug="latest-documents",
        description="The most recently uploaded documents first. If one is on the wrong case, "
        "open it and choose Edit Properties.",
        columns=[DOC_THRIVE_ID, NAME, TITLE, CREATED, UPLOADED_BY],
        queryset=documents,
        default_sort="-created",
        empty="No documents have been uploaded.",
        count=_managed_total(request.user, "documents"),
    )
    return render_table(request, table)


def _page_number(request) -> int:
    """The page asked for (the pager shows the last page for one past it)."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _edit_link(request):
    back = request.get_full_path()

    def link(document):
        return f"{_url('documents:edit', document)}?next={quote(back)}"

    return link


def _unlinked_documents(user):
    """The documents with no Thrive ID a person may see: a manager's services' (an EHPS
    officer sees documents through their cases, so none). Said outright rather than left to
    PostgreSQL, which would read every document of the officer's district to find none."""
    if not user.has_role(Role.SERVICE_MANAGER):
        return Document.objects.none()
    return managed_documents(user).unlinked()


def no_thrive_id(request):
    table = document_table(
        title="Documents with No Thrive ID",
        slug="no-thrive-id",
        description="Documents that are not linked to a case. Choose Edit Properties, enter "
        "the Thrive ID and save: the document leaves this report and shows on the case.",
        columns=[
            NAME,
            TITLE,
            CREATED,
            UPLOADED_BY,
            Column(
                "edit",
                "Action",
                lambda d: "Edit Properties",
                link=_edit_link(request),
                cells=Cells((), make=lambda: "Edit Properties"),
            ),
        ],
        queryset=_unlinked_documents(request.user),
        default_sort="-created",
        empty="Every document has a Thrive ID.",
    )
    return render_table(request, table)


class CasesByDocuments:
    """Documents by case as a sortable, sliceable list for the one list mechanism, read from
    the counts kept with every change (CaseDocumentCount). Sorted by a count column, a page
    of count rows in the order asked (from an index alone, in order), then only that page's
    cases, by primary key. Sorted by a case's column (Thrive ID, family name), a page of the
    person's cases that have documents, in that order (from an index of the service's cases in
    that order, probing each case's count row), then that page's counts. (A join of cases to
    their counts left PostgreSQL free to hash-join every case of the service, or walk every
    case of the county in Thrive ID order, before the LIMIT: 100 ms at 1,000,000 cases.)"""

    COUNT_ORDER = {"n": "documents", "latest": "latest_upload", "pk": "case_id"}
    CASE_ORDER = {"thrive_id": "thrive_id", "family_names": "family_names", "pk": "pk"}

    def __init__(self, counts, cases, order=("-n", "-pk")):
        self.counts = counts
        self.cases = cases
        self.order = order

    def order_by(self, *fields):
        return CasesByDocuments(self.counts, self.cases, fields)

    def select_related(self, *_):
        return self

    def count(self) -> int:
        return self.counts.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.order[0].lstrip("-") in self.COUNT_ORDER:
            keys = list(
                self.counts.order_by(*self._mapped(self.COUNT_ORDER))[index].values_list(
                    "case_id", "documents", "latest_upload"
                )
            )
            cases = Case.objects.in_bulk([case_id for case_id, _, _ in keys])
            page = [cases[case_id] for case_id, _, _ in keys]
        else:
            with_documents = CaseDocumentCount.objects.filter(case=OuterRef("pk"))
            page = list(
                self.cases.filter(Exists(with_documents)).order_by(*self._mapped(self.CASE_ORDER))[
                    index
                ]
            )
            counted = CaseDocumentCount.objects.filter(case__in=[case.pk for case in page])
            keys = counted.values_list("case_id", "documents", "latest_upload")
        counts = {case_id: (n, latest) for case_id, n, latest in keys}
        for case in page:
            case.n, case.latest = counts.get(case.pk, (0, None))  # binned meanwhile: none
        return page

    def _mapped(self, names: dict) -> list[str]:
        return [
            ("-" if field.startswith("-") else "") + names[field.lstrip("-")]
            for field in self.order
        ]

    def iterator(self, chunk_size: int = 2000):
        start = 0
        while chunk := self[start : start + chunk_size]:
            yield from chunk
            start += chunk_size


def documents_by_case(request):
    user = request.user
    if user.has_role(Role.SERVICE_MANAGER):
        # A case's count row carries the case's service: the manager's services, as values.
        counts = CaseDocumentCount.objects.filter(
            service__in=user.service_ids(Role.SERVICE_MANAGER)
        )
    elif districts := only_districts(user):
        # A case's count row carries the case's district: an EHPS officer's, as values, for
        # the index to walk; the case's own district too, which is what decides who sees it
        # (a page of rows probes its cases: 1 ms at 1,000,000 cases).
        counts = CaseDocumentCount.objects.filter(
            district__in=districts, case__district__in=districts
        )
    else:
        counts = CaseDocumentCount.objects.filter(case__in=managed_cases(user).values("pk"))
    table = Table(
        title="Documents by case",
        slug="documents-by-case",
        description="How many documents each case has, and when the latest was uploaded.",
        columns=[
            THRIVE_ID,
            FAMILY,
            Column("n", "Documents", lambda c: c.n, "n", numeric=True),
            Column("latest", "Latest upload", lambda c: c.latest, "latest"),
        ],
        queryset=CasesByDocuments(counts, managed_cases(user)),
        default_sort="-n",
        empty="No case has documents.",
        count=_managed_total(user, "cases"),
    )
    return render_table(request, table)


def possible_duplicates(request):
    """The live documents whose file is on more than one case of their service: those with a
    PossibleDuplicate row (kept with every change) for their service and fingerprint."""
    documents = managed_documents(request.user).exclude(case=None)
    services = request.user.service_ids(Role.SERVICE_MANAGER)
    if len(services) == 1:
        # One service (nearly always): its repeated fingerprints as a list to walk in order.
        repeated = PossibleDuplicate.objects.filter(service=services[0]).values("sha256")
        duplicates = documents.filter(sha256__in=repeated)
    elif not services and (districts := only_districts(request.user)):
        # An EHPS officer: the repeated fingerprints of the services with a case in their
        # districts (found a probe a service), not of every service of the county.
        upto = _page_number(request) * PAGE_SIZE
        a_page = request.GET.get("sort", "fingerprint") == "fingerprint"
        if a_page and "export" not in request.GET and upto <= DUPLICATES_BY_FINGERPRINTS:
            duplicates = documents.filter(_first_duplicates(districts, upto))
        else:
            here = Case.objects.services_of_districts(districts)
            repeated = PossibleDuplicate.objects.filter(
                service__in=here, service=OuterRef("service"), sha256=OuterRef("sha256")
            )
            duplicates = documents.filter(service__in=here).filter(Exists(repeated))
    else:
        repeated = PossibleDuplicate.objects.filter(
            service=OuterRef("service"), sha256=OuterRef("sha256")
        )
        duplicates = documents.filter(Exists(repeated))
    table = document_table(
        title="Possible duplicate documents",
        slug="possible-duplicates",
        description="The same file on more than one case of your service. Check that each "
        "is on the right case; Edit Properties fixes the Thrive ID.",
        columns=[
            Column(
                "fingerprint",
                "Same file",
                lambda d: d.sha256[:10],
                "sha256",
                cells=Cells(("sha256",), make=lambda sha256: sha256[:10]),
            ),
            DOC_THRIVE_ID,
            NAME,
            TITLE,
            CREATED,
            UPLOADED_BY,
        ],
        queryset=duplicates,
        default_sort="fingerprint",
        empty="No file is on more than one case.",
        count=_managed_total(request.user, "duplicates"),
    )
    return render_table(request, table)


def document_bin(request):
    documents = Document.objects.visible_to(request.user).in_bin()
    managed = request.user.service_ids(Role.SERVICE_MANAGER)
    table = Table(
        title="Deleted documents",
        slug="document-bin",
        description="Deleted documents stay here for 30 days, then are deleted for good. "
        "Restore puts a document back on its case.",
        columns=[
            Column("name", "Name", lambda d: d.name, "name"),
            DOC_THRIVE_ID,
            Column("deleted", "Deleted", lambda d: d.deleted_at, "deleted_at"),
            Column(
                "deleted_by",
                "Deleted by",
                lambda d: d.deleted_by.full_name if d.deleted_by_id else "",
                "deleted_by__full_name",
                related="deleted_by",
            ),
            Column("purge", "Deleted for good on", lambda d: d.purge_due.date(), "deleted_at"),
            Column(
                "restore",
                "Action",
                lambda d: "Restore",
                link=lambda d: _url("documents:restore", d),
            ),
        ],
        queryset=documents.filter(service__in=managed).prefetch_related("case"),
        default_sort="-deleted",
        empty="The bin is empty.",
    )
    return render_table(request, table)


REPORTS = {
    "latest-documents": {"title": "Latest Documents Uploaded", "view": latest_documents},
    "no-thrive-id": {"title": "Documents with No Thrive ID", "view": no_thrive_id},
    "documents-by-case": {"title": "Documents by case", "view": documents_by_case},
    "possible-duplicates": {"title": "Possible duplicate documents", "view": possible_duplicates},
    "document-bin": {"title": "Deleted documents (the bin)", "view": document_bin},
}


def administrators_bin(request):
    """Every service's deleted documents, for system administrators, who may delete one for
    good before its 30 days are up. Administrators do not see case records: this list shows
    the document's name and service, never its contents."""
    table = Table(
        title="Deleted documents (all services)",
        slug="administrators-bin",
        description="Documents deleted by their services. Each is deleted for good 30 days "
        "after it was deleted; you can delete one for good sooner, for example a document "
        "uploaded for the wrong family.",
        columns=[
            Column("name", "Name", lambda d: d.name, "name"),
            Column(
                "service", "Service", lambda d: d.service.name, "service__name", related="service"
            ),
            Column("deleted", "Deleted", lambda d: d.deleted_at, "deleted_at"),
            Column(
                "deleted_by",
                "Deleted by",
                lambda d: d.deleted_by.full_name if d.deleted_by_id else "",
                "deleted_by__full_name",
                related="deleted_by",
            ),
            Column(
                "purge",
                "Action",
                lambda d: "Delete for good",
                link=lambda d: reverse("documents:purge", args=[d.pk]),
            ),
        ],
        queryset=Document.objects.in_bin(),
        default_sort="-deleted",
        empty="No document is in the bin.",
    )
    return render_table(request, table)
