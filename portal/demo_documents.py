"""Demo Supporting Documentation: the latest clinical letter tray01 attached to a task in the
work tray, a report clin01 attached to a task in progress, and one on a submitted task (so
send01 can download it and the submission's PDF). Idempotent."""

from django.core.files.base import ContentFile

from documents.demo import demo_pdf
from documents.uploads import check_upload, store_checked_upload
from thrive.models import User

from .delegation import services
from .models import Status, SupportingDocument, Task


def _checked(name: str, text: str):
    return check_upload(ContentFile(demo_pdf(text), name=name))


def load_demo_portal_documents() -> None:
    tasks = Task.objects.filter(sent_by__username="send01")
    if not tasks.exists() or SupportingDocument.objects.filter(task__in=tasks).exists():
        return
    tray01 = User.objects.filter(username="tray01").first()
    clin01 = User.objects.filter(username="clin01").first()
    in_tray = tasks.filter(clinician=None, status=Status.ASSIGNED).order_by("pk").first()
    if in_tray and tray01:
        services.attach_document(
            in_tray, by=tray01, checked=_checked("Clinical letter.pdf", "Clinical letter, May")
        )
    in_progress = tasks.filter(clinician=clin01, status=Status.IN_PROGRESS).order_by("pk").first()
    if in_progress and clin01:
        services.attach_document(
            in_progress, by=clin01, checked=_checked("Therapy report.pdf", "Therapy report")
        )
    submitted = tasks.filter(submitted_by=clin01, status=Status.SUBMITTED).order_by("pk").first()
    if submitted and clin01:
        # Attached before it was submitted: written directly, as the task is closed now.
        checked = _checked("Assessment summary.pdf", "Assessment summary")
        stored = store_checked_upload(checked, prefix="portal")
        services._create_document(submitted, by=clin01, checked=checked, stored=stored)
