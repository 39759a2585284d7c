from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import BIN_DAYS, Document


@shared_task
def purge_bin() -> int:
    """Delete for good the documents that have been in the bin for 30 days. Idempotent: each
    document is purged in its own transaction, and a purged one is simply gone next time."""
    from .services import purge

    cutoff = timezone.now() - timedelta(days=BIN_DAYS)
    purged = 0
    for document in Document.objects.filter(deleted_at__lte=cutoff).select_related(
        "service__provider"
    ):
        purge(document)
        purged += 1
    return purged


def _stored_file_owners():
    """Each storage prefix that uploads are saved under, with the rows that name its files."""
    from continuity.models import DowntimeAttachment
    from continuity.records import ATTACHMENT_PREFIX
    from portal.models import SupportingDocument

    from .models import DocumentVersion
    from .services import STORAGE_PREFIX

    return [
        (STORAGE_PREFIX, DocumentVersion, "file"),
        ("portal", SupportingDocument, "stored_name"),
        (ATTACHMENT_PREFIX, DowntimeAttachment, "stored_name"),
    ]


@shared_task
def sweep_orphan_files(min_age_hours: int = 24) -> int:
    """Delete stored upload files that no row names, older than `min_age_hours`: what an
    upload left behind when its process died between storing the file and writing the rows
    (or when an outer transaction rolled back). This and last month's folders are checked, for
    case documents and for the portal's supporting documents alike."""
    from django.core.files.storage import default_storage

    now = timezone.now()
    cutoff = now - timedelta(hours=min_age_hours)
    deleted = 0
    for prefix, model, field in _stored_file_owners():
        for month in sorted({f"{now:%Y/%m}", f"{now - timedelta(days=31):%Y/%m}"}):
            folder = f"{prefix}/{month}"
            try:
                _, files = default_storage.listdir(folder)
            except FileNotFoundError:
                continue
            names = [f"{folder}/{name}" for name in files]
            for start in range(0, len(names), 1000):
                chunk = names[start : start + 1000]
                known = set(
                    model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True)
                )
                for name in chunk:
                    if name not in known and default_storage.get_modified_time(name) < cutoff:
                        default_storage.delete(name)
                        deleted += 1
    return deleted
