"""Demo documents: a few on the demo cases (one with two versions, one on an archived case,
the same letter on two cases) and two with no Thrive ID for the managers' report. Files are
tiny PDFs and Word documents generated here. Loaded once: a second run finds them."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, Status
from thrive.models import Service, User

from . import services
from .models import Document
from .uploads import check_upload


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`, with a correct cross-reference table."""
    safe = text.replace("\\", "").replace("(", "").replace(")", "").encode("latin-1", "replace")
    content = b"BT /F1 16 Tf 72 760 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def demo_docx(text: str) -> bytes:
    """A minimal Word document with one paragraph."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    parts = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{_MAIN}"/></Types>'
        ),
        "_rels/.rels": (
            f"{head}<Relationships "
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            f"{head}<w:document "
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{escaped}</w:t></w:r></w:p></w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _checked(name: str, text: str):
    content = demo_pdf(text) if name.endswith(".pdf") else demo_docx(text)
    return check_upload(SimpleUploadedFile(name, content))


def load_demo_documents() -> None:
    service = Service.objects.filter(name="Family Matters Ashford").first()
    if service is None or Document.objects.filter(service=service).exists():
        return
    manager = User.objects.get(username="mgr01")
    open_cases = list(
        Case.objects.filter(service=service, status=Status.OPEN, archived_at__isnull=True)
        .select_related("worker", "service")
        .order_by("pk")
    )
    archived = (
        Case.objects.filter(service=service, archived_at__isnull=False, status=Status.CLOSED)
        .select_related("worker", "service")
        .order_by("pk")
        .first()
    )
    if not open_cases:
        return
    first = open_cases[0]
    plan = services.upload_document(
        by=first.worker,
        case=first,
        checked=_checked("Family plan.docx", f"Family plan for {first.thrive_id}, first draft"),
        title="Family plan",
    )
    services.add_version(
        plan,
        by=first.worker,
        checked=_checked("Family plan.docx", f"Family plan for {first.thrive_id}, agreed"),
    )
    services.upload_document(
        by=first.worker,
        case=first,
        checked=_checked("Assessment.pdf", f"Assessment for {first.thrive_id}"),
        title="Assessment",
    )
    letter = "Letter to all families about the summer activity programme"
    for case in open_cases[1:3]:
        services.upload_document(
            by=manager, case=case, checked=_checked("Summer letter.pdf", letter), title="Letter"
        )
    if archived is not None:
        archived.archived_at, saved = None, archived.archived_at
        services.upload_document(
            by=manager,
            case=archived,
            checked=_checked("Closure summary.pdf", f"Closure summary {archived.thrive_id}"),
            title="Closure summary",
        )
        archived.archived_at = saved
    for name in ("TEST19-020316-BFprogresslog.docx", "TEST2-020216-CMprogresslog.docx"):
        services.upload_document(
            by=None,
            service=service,
            checked=_checked(name, f"Progress log {name[:6]}"),
            name=name,
            imported=True,
        )
