"""What a subject access request gathers from business continuity: every downtime record
about the child (restricted ones included: the request is for everything held)."""

from thrive.search.text import fold, soundex
from thrive.subject_access import Candidate, Child, Held, Source, labelled

from .models import DowntimeRecord


def _about(record: DowntimeRecord, child: Child) -> bool:
    surname = fold(record.child_surname).split()
    wanted = fold(child.last_name).split()
    return bool(surname and wanted) and soundex(surname[-1]) == soundex(wanted[-1])


def find(child: Child):
    records = DowntimeRecord.objects.filter(child_date_of_birth=child.date_of_birth).select_related(
        "created_by"
    )
    for record in records.order_by("recorded_at", "pk"):
        if _about(record, child):
            yield Candidate(
                pk=record.pk,
                title=f"Downtime record {record.pk}: {record.child_surname} ({record.thrive_id})",
                summary=f"{record.get_nature_of_work_display()}, recorded "
                f"{record.recorded_at:%d/%m/%Y} by {record.created_by.full_name}",
            )


def collect(pk: int) -> Held | None:
    record = DowntimeRecord.objects.select_related("created_by", "entered_by").filter(pk=pk)
    record = record.first()
    if record is None:
        return None
    data = labelled(
        record,
        [
            "thrive_id",
            "child_surname",
            "child_date_of_birth",
            "restricted",
            "recorded_at",
            "created_by",
            "nature_of_work",
            "details",
            "sent_to",
            "entered_at",
            "entered_by",
        ],
    )
    return Held(
        kind="downtime-record",
        reference=str(record.pk),
        title=f"Downtime record {record.pk}",
        data=data,
        audit_of=[("continuity.downtimerecord", str(record.pk))],
    )


SOURCE = Source(kind="records", title="Downtime records", find=find, collect=collect, order=40)
