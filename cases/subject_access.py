"""What a subject access request gathers from cases: every case about the child, with its
information and timeline."""

from thrive.subject_access import Candidate, Child, Held, Source, labelled, sounds_like

from .forms import DEMOGRAPHICS, WORK
from .models import Case

FIELDS = [
    "thrive_id",
    "service",
    "district",
    "status",
    *DEMOGRAPHICS,
    "referred_by",
    "response_date",
    "progressing",
    "decline_reason",
    "waiting_list",
    "predicted_start_date",
    "date_worker_appointed",
    "worker",
    *(name for name in WORK if name != "key_reasons"),
    "closure_date",
    "outcome",
    "closure_summary",
    "archived_at",
    "archive_undone_reason",
    "created_at",
    "modified_at",
]


def find(child: Child):
    cases = Case.objects.filter(child_date_of_birth=child.date_of_birth).filter(sounds_like(child))
    for case in cases.select_related("service").order_by("date_referred", "pk"):
        yield Candidate(
            pk=case.pk,
            title=f"Case {case.thrive_id}: {case.child_name}",
            summary=f"{case.service}, {case.get_status_display()}, "
            f"referred {case.date_referred:%d/%m/%Y}" + (", archived" if case.is_archived else ""),
        )


def collect(pk: int) -> Held | None:
    case = (
        Case.objects.select_related("service", "worker", "referred_by", "outcome")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    data = labelled(case, FIELDS)
    data["Key reasons for support"] = [str(reason) for reason in case.key_reasons.all()]
    return Held(
        kind="case",
        reference=case.thrive_id or str(case.pk),
        title=f"Case {case.thrive_id}",
        data=data,
        audit_of=[("cases.case", str(case.pk))],
    )


SOURCE = Source(kind="cases", title="Cases", find=find, collect=collect, order=10)
