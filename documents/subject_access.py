"""What a subject access request gathers from the document library: every document of the
child's cases, each version's file."""

from django.core.files.storage import default_storage

from cases.models import Case
from thrive.subject_access import Candidate, Child, Held, Source, labelled, sounds_like

from .models import Document


def find(child: Child):
    cases = Case.objects.filter(child_date_of_birth=child.date_of_birth).filter(sounds_like(child))
    documents = Document.objects.filter(case__in=cases.values("pk")).select_related("case")
    for document in documents.order_by("case_id", "created_at", "pk"):
        yield Candidate(
            pk=document.pk,
            title=document.name,
            summary=f"Case {document.case.thrive_id}, uploaded {document.created_at:%d/%m/%Y}"
            + (", in the bin" if document.deleted_at else ""),
        )


def _reader(name: str):
    def read() -> bytes:
        with default_storage.open(name, "rb") as stored:
            return stored.read()

    return read


def collect(pk: int) -> Held | None:
    document = Document.objects.select_related("case", "created_by").filter(pk=pk).first()
    if document is None:
        return None
    versions = list(document.versions.select_related("uploaded_by").order_by("number"))
    data = labelled(document, ["name", "title", "created_at", "created_by", "modified_at"])
    data["Case"] = document.case.thrive_id if document.case else ""
    data["Versions"] = [
        f"Version {v.number}: {v.original_name}, {v.uploaded_at:%d/%m/%Y %H:%M}"
        f"{' by ' + v.uploaded_by.full_name if v.uploaded_by else ''}"
        for v in versions
    ]
    return Held(
        kind="document",
        reference=str(document.pk),
        title=f"Document {document.name}",
        data=data,
        files=[(f"v{v.number}-{v.original_name}", _reader(v.file)) for v in versions],
        audit_of=[("documents.document", str(document.pk))],
    )


SOURCE = Source(kind="documents", title="Documents", find=find, collect=collect, order=20)
