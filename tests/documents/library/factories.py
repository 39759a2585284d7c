"""Document rows for tests that need no stored file (the isolation harness, reports), with
the counts the reports read kept as documents.services keeps them."""

import hashlib
import itertools

from django.utils import timezone

from documents import counts
from documents.models import Document, DocumentVersion

_counter = itertools.count(1)


def make_document(case=None, *, service=None, by=None, name=None, content=None, **fields):
    """A document on `case` (or with no Thrive ID in `service`) with one version whose stored
    object does not exist."""
    number = next(_counter)
    service = service or case.service
    content = content or f"document {number}".encode()
    sha256 = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    document = Document.objects.create(
        service=service,
        case=case,
        title=fields.pop("title", f"Document {number}"),
        name=name or f"{case.thrive_id if case else 'X'}-010126-Document{number}.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=sha256,
        created_by=by,
        modified_by=by,
        created_at=fields.pop("created_at", now),
        modified_at=now,
        **fields,
    )
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        file=f"tests/missing/{number}",
        original_name="Document.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=sha256,
        uploaded_by=by,
    )
    Document.objects.filter(pk=document.pk).update(current_version=version)
    document.current_version = version
    live = document.deleted_at is None
    counts.recount(  # as documents.services.upload_document keeps them
        service.pk,
        cases=[document.case_id] if live else [],
        fingerprints=[sha256] if live and case else [],
        documents=1 if live else 0,
    )
    return document
