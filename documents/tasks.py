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
