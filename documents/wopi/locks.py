"""The editor's lock (WOPI Lock, RefreshLock, Unlock, UnlockAndRelock, GetLock): one editor
at a time. Each change holds the document's row (SELECT FOR UPDATE) so that a lock and
Thrive's own changes (services._refuse_while_open) cannot cross. A lock the editor stops
refreshing expires after DocumentLock.LOCK_MINUTES and is then as good as none."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thrive import audit
from thrive.models import User

from ..models import Document, DocumentLock


class LockMismatch(Exception):
    """The editor named a lock the document does not hold; `current` is the lock it holds
    ("" for none), which WOPI sends back in X-WOPI-Lock."""

    def __init__(self, current: DocumentLock | None):
        self.current = current.lock_id if current else ""
        holder = current.held_by.full_name if current else ""
        super().__init__(f"Open for editing by {holder}" if current else "Not open for editing")


def _expiry():
    return timezone.now() + timedelta(minutes=DocumentLock.LOCK_MINUTES)


def _active_lock(document: Document) -> DocumentLock | None:
    """Call while holding the document's row: its unexpired lock."""
    return DocumentLock.objects.active().select_related("held_by").filter(document=document).first()


def _hold(document: Document) -> None:
    Document.objects.select_for_update().filter(pk=document.pk).first()


def current_lock_id(document: Document) -> str:
    lock = DocumentLock.objects.active().filter(document=document).first()
    return lock.lock_id if lock else ""


@transaction.atomic
def lock(
    document: Document, *, by: User, lock_id: str, old_lock_id: str | None = None
) -> DocumentLock:
    """Lock the document for the editor, or renew the lock it already holds; with
    `old_lock_id` (UnlockAndRelock) replace that lock by `lock_id`. A lock of another editor
    raises LockMismatch."""
    _hold(document)
    active = _active_lock(document)
    if old_lock_id is not None:
        if active is None or active.lock_id != old_lock_id:
            raise LockMismatch(active)
    elif active is not None and active.lock_id != lock_id:
        raise LockMismatch(active)
    if active is not None:
        active.lock_id = lock_id
        active.expires_at = _expiry()
        active.save(update_fields=["lock_id", "expires_at"])
        return active
    DocumentLock.objects.filter(document=document).delete()  # expired
    return DocumentLock.objects.create(
        document=document, lock_id=lock_id, held_by=by, expires_at=_expiry()
    )


@transaction.atomic
def refresh(document: Document, *, lock_id: str) -> DocumentLock:
    """Another 30 minutes for the lock the editor holds."""
    _hold(document)
    active = _active_lock(document)
    if active is None or active.lock_id != lock_id:
        raise LockMismatch(active)
    active.expires_at = _expiry()
    active.save(update_fields=["expires_at"])
    return active


@transaction.atomic
def unlock(document: Document, *, by: User, lock_id: str, request=None) -> None:
    """The editor closed the document: release its lock and record it."""
    _hold(document)
    active = _active_lock(document)
    if active is None or active.lock_id != lock_id:
        raise LockMismatch(active)
    active.delete()
    audit.record(
        request,
        "document_editing_closed",
        document,
        user=by,
        organisation=document.service.provider,
        note="browser editor",
    )
