"""Document library volumes for `make bench`: 1,000,000 document rows across the 200,000
cases (five a case, one case of the measured service with 300, 1% with no Thrive ID, 1% the
same file as on another case). Rows only: no stored files, no version rows (the measured
pages read neither). Generated once; a second run adds nothing."""

import random
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from documents.models import Document
from thrive.models import Membership, Role

from .pages import Page, _busiest_service, manager, report

DOCUMENTS = 1_000_000
BUSY_CASE_DOCUMENTS = 300
BATCH = 10_000


def busy_case() -> Case:
    return Case.objects.filter(service_id=_busiest_service()).order_by("pk").first()


def ensure_document_volumes(out=print) -> None:
    if Document.objects.count() >= DOCUMENTS:
        out(f"Documents already generated: {Document.objects.count():,}.")
        return
    rng = random.Random(7)  # noqa: S311 (repeatable benchmark data)
    cases = list(
        Case.objects.order_by("pk").values_list("pk", "thrive_id", "service_id", "worker_id")
    )
    managers = dict(
        Membership.objects.filter(role=Role.SERVICE_MANAGER).values_list("service_id", "user_id")
    )
    now = timezone.now()
    busy = busy_case()
    plan = [(n, cases[n % len(cases)]) for n in range(Document.objects.count(), DOCUMENTS)]
    plan[:BUSY_CASE_DOCUMENTS] = [
        (n, (busy.pk, busy.thrive_id, busy.service_id, busy.worker_id))
        for n in range(BUSY_CASE_DOCUMENTS)
    ]
    for start in range(0, len(plan), BATCH):
        rows = []
        for n, (case_pk, thrive_id, service_id, worker_id) in plan[start : start + BATCH]:
            created = now - timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
            unlinked = n % 100 == 50
            duplicate = n % 100 == 0 and n >= BUSY_CASE_DOCUMENTS
            by = worker_id or managers[service_id]
            rows.append(
                Document(
                    service_id=service_id,
                    case_id=None if unlinked else case_pk,
                    title=f"Document {n}",
                    name=f"{thrive_id}-{created:%d%m%y}-Document{n}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=1000 + n % 50_000,
                    sha256=f"d{(n // 100) % 5000:063x}" if duplicate else f"{n:064x}",
                    created_at=created,
                    created_by_id=by,
                    modified_at=created,
                    modified_by_id=by,
                )
            )
        Document.objects.bulk_create(rows, ignore_conflicts=True)
        out(f"  {start + len(rows):,} documents")


def case_page():
    return reverse("cases:detail", args=[busy_case().thrive_id])


DOCUMENT_PAGES = [
    Page(f"Case page with {BUSY_CASE_DOCUMENTS} documents", case_page, manager),
    Page("Report: Latest Documents Uploaded", report("latest-documents"), manager),
    Page("Report: Documents with No Thrive ID", report("no-thrive-id"), manager),
    Page("Report: Documents by case", report("documents-by-case"), manager),
    Page("Report: Possible duplicate documents", report("possible-duplicates"), manager),
]
