from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import OutboxEmail


@shared_task(acks_late=True)
def send_outbox_email(pk: int) -> bool:
    return outbox.send_one(pk)


@shared_task
def send_outbox() -> int:
    return outbox.send_pending()


@shared_task
def purge_sent_outbox(days: int = 90) -> int:
    """Sent emails are kept 90 days for troubleshooting, then removed."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


@shared_task
def purge_failed_sign_ins() -> int:
    """Failed sign-ins older than the lock's window no longer count."""
    from . import lockout

    return lockout.purge()


@shared_task(acks_late=True)
def build_export(job_id: int) -> str:
    from . import exports

    return exports.build(job_id).status


@shared_task
def purge_exports() -> int:
    from . import exports

    return exports.purge_old_exports()


@shared_task(acks_late=True)
def build_subject_access_bundle(pk: int) -> str:
    """Build one subject access download; a failure is recorded on the request, not lost."""
    import logging

    from .models import SubjectAccessRequest
    from .subject_access.build import build

    made = SubjectAccessRequest.objects.select_related("requested_by").get(pk=pk)
    try:
        return build(made).status
    except Exception:
        logging.getLogger(__name__).exception("Subject access request %s failed", pk)
        SubjectAccessRequest.objects.filter(pk=pk).update(status=SubjectAccessRequest.Status.FAILED)
        return SubjectAccessRequest.Status.FAILED


@shared_task
def expire_subject_access_bundles() -> int:
    from .subject_access.build import expire_old

    return expire_old()
