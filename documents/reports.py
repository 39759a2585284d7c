"""The managers' document reports, through the one list mechanism (thrive.ui.tables): Latest
Documents Uploaded, Documents with No Thrive ID, documents by case, possible duplicates, and
the bin. Registered into cases.reports.REPORTS (see DocumentsConfig.ready), so they sit in
the same Reports index."""

import functools
from urllib.parse import quote

from django.db.models import Count, Exists, F, Max, Min, OuterRef
from django.urls import reverse

from cases.models import Case
from cases.reports import FAMILY, THRIVE_ID, case_link, managed_cases
from thrive.models import Role
from thrive.ui.tables import (
    Cells,
    Column,
    Table,
    field_cells,
    field_column,
    render_table,
    row_url,
)

from .models import Document


def _url(name: str, document) -> str:
    return row_url(name, document.pk)


def document_link(document) -> str:
    return _url("documents:detail", document)


def _person_or_imported(person_id, name):
    return name if person_id else "Imported"


DOC_THRIVE_ID = Column(
    "thrive_id",
    "Thrive ID",
    lambda d: d.case.thrive_id if d.case_id else "",
    "case__thrive_id",
    lambda d: case_link(d.case) if d.case_id else "",
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
    else:
        documents = Document.objects.visible_to(user).live()
    # Related rows are fetched for the page shown only, not joined before the LIMIT.
    return documents.prefetch_related("case", "created_by")


def latest_documents(request):
    table = Table(
        title="Latest Documents Uploaded",
        slug="latest-documents",
        description="The most recently uploaded documents first. If one is on the wrong case, "
        "open it and choose Edit Properties.",
        columns=[DOC_THRIVE_ID, NAME, TITLE, CREATED, UPLOADED_BY],
        queryset=managed_documents(request.user),
        default_sort="-created",
        empty="No documents have been uploaded.",
    )
    return render_table(request, table)


def _edit_link(request):
    back = request.get_full_path()

    def link(document):
        return f"{_url('documents:edit', document)}?next={quote(back)}"

    return link


def no_thrive_id(request):
    table = Table(
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
        queryset=managed_documents(request.user).unlinked(),
        default_sort="-created",
        empty="Every document has a Thrive ID.",
    )
    return render_table(request, table)


class CasesByDocuments:
    """Documents by case as a sortable, sliceable list for the one list mechanism: one GROUP BY
    over the documents gives the ordered (case, count, latest upload) keys, run once per
    request and shared by the page and its count, and only the page's cases are then fetched,
    by primary key. (Annotating every case of the service and paginating it ran the aggregate
    twice, once for the rows and once for COUNT, and built the case join for every row.)"""

    ORDER = {
        "n": "n",
        "latest": "latest",
        "thrive_id": "case__thrive_id",
        "family_names": "case__family_names",
        "pk": "case_id",
    }

    def __init__(self, documents, order=("-n", "case_id")):
        self.documents = documents
        self.order = order

    def order_by(self, *fields):
        mapped = []
        for field in fields:
            descending = field.startswith("-")
            mapped.append(("-" if descending else "") + self.ORDER[field.lstrip("-")])
        return CasesByDocuments(self.documents, tuple(mapped))

    def select_related(self, *_):
        return self

    @functools.cached_property
    def keys(self) -> list[tuple[int, int, object]]:
        return list(
            self.documents.order_by()
            .values("case_id")
            .annotate(n=Count("*"), latest=Max("created_at"))
            .order_by(*self.order)
            .values_list("case_id", "n", "latest")
        )

    def count(self) -> int:
        return len(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        keys = self.keys[index] if isinstance(index, slice) else [self.keys[index]]
        cases = Case.objects.in_bulk([case_id for case_id, _, _ in keys])
        rows = []
        for case_id, n, latest in keys:
            case = cases[case_id]
            case.n, case.latest = n, latest
            rows.append(case)
        return rows if isinstance(index, slice) else rows[0]

    def iterator(self, chunk_size: int = 2000):
        for start in range(0, len(self.keys), chunk_size):
            yield from self[start : start + chunk_size]


def documents_by_case(request):
    user = request.user
    if user.has_role(Role.SERVICE_MANAGER):
        # A document's service is its case's service: the manager's services, as values.
        documents = Document.objects.filter(service__in=user.service_ids(Role.SERVICE_MANAGER))
    else:
        documents = Document.objects.filter(case__in=managed_cases(user).values("pk"))
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
        queryset=CasesByDocuments(documents.live().filter(case__isnull=False)),
        default_sort="-n",
        empty="No case has documents.",
    )
    return render_table(request, table)


def possible_duplicates(request):
    documents = managed_documents(request.user).exclude(case=None)
    services = request.user.service_ids(Role.SERVICE_MANAGER)
    if len(services) == 1:
        # One service (nearly always): the fingerprints on more than one of its cases, counted
        # from the document_fingerprints index alone, then the documents that have them. Asking
        # of each document whether its file is elsewhere read every document of the service
        # from the table (0.5 s at 50,000 documents).
        repeated = (
            Document.objects.live()
            .filter(service=services[0], case__isnull=False)
            .order_by()
            .values("sha256")
            # More than one case: cheaper as min < max than as a count of distinct cases.
            .annotate(first=Min("case"), last=Max("case"))
            .filter(first__lt=F("last"))
            .values("sha256")
        )
        duplicates = documents.filter(sha256__in=repeated)
    else:
        elsewhere = (
            Document.objects.live()
            .filter(service=OuterRef("service"), sha256=OuterRef("sha256"), case__isnull=False)
            .exclude(case=OuterRef("case"))
        )
        duplicates = documents.filter(Exists(elsewhere))
    table = Table(
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
