"""Every change to the document library: upload, new version, Edit Properties, bin, restore
and purge. Each checks the person's right, writes, and audits in one transaction.

Uploads either complete or leave nothing behind: the file is stored first (under a random
name), then the rows are written in a transaction; if that fails the stored object is
deleted again. Purging deletes the rows first and the stored objects only once that commit
has happened, so a failed purge never leaves rows pointing at missing files."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case
from cases.services import roles_on_case
from documents.uploads import CheckedUpload, store_checked_upload
from thrive import audit
from thrive.models import Membership, Role, Service, User

from . import counts
from .models import BIN_DAYS, Document, DocumentLock, DocumentVersion
from .naming import conventional_name, with_extension

log = logging.getLogger(__name__)

STORAGE_PREFIX = "case-documents"


class DocumentActionRefused(Exception):
    """The action is not possible for this person or for this document."""


class DocumentOpenForEditing(DocumentActionRefused):
    """Someone has the document open in the browser editor: it cannot change under them."""

    def __init__(self, lock: DocumentLock):
        since = timezone.localtime(lock.locked_at).strftime("%H:%M")
        until = timezone.localtime(lock.expires_at).strftime("%H:%M")
        super().__init__(
            f"{lock.held_by.full_name} has this document open for editing (since {since}). "
            f"Try again when they close it; if their editor went away without closing it, "
            f"the document is free again at {until}."
        )
        self.lock = lock


def open_for_editing(document: Document) -> DocumentLock | None:
    """The editor's lock on the document, unless it has expired."""
    return DocumentLock.objects.active().select_related("held_by").filter(document=document).first()


def _refuse_while_open(document: Document, *, unless_lock: str | None = None) -> None:
    """Thrive's own changes wait for the browser editor: only the save that holds the lock
    (`unless_lock`, the editor's lock id) may change a document someone has open."""
    lock = open_for_editing(document)
    if lock is not None and (unless_lock is None or lock.lock_id != unless_lock):
        raise DocumentOpenForEditing(lock)


class StaleDocument(Exception):
    """Someone else changed the document's properties since the form was opened."""

    def __init__(self, current: Document):
        super().__init__("The document was changed by someone else")
        self.current = current


class DuplicateDocument(Exception):
    """The same file (same SHA-256) is already on the case; it is not stored again."""

    def __init__(self, existing: Document):
        super().__init__(f"This file is already on the case as {existing.name}")
        self.existing = existing


# --- Who may do what --------------------------------------------------------------------------


def manages(user: User, service_id: int) -> bool:
    return Membership.objects.filter(
        user=user, role=Role.SERVICE_MANAGER, service_id=service_id
    ).exists()


def may_upload(user: User, case: Case) -> bool:
    """The worker allocated to the case and the service's managers add documents to cases
    that are not archived. EHPS officers see and download documents but do not add them: once
    referred, the case record belongs to the service."""
    if case.is_archived:
        return False
    return bool(roles_on_case(user, case) & {Role.SERVICE_MANAGER, Role.SERVICE_WORKER})


def may_add_version(user: User, document: Document) -> bool:
    if document.in_bin:
        return False
    if document.case_id is None:
        return manages(user, document.service_id)
    return may_upload(user, document.case)


def may_edit_properties(user: User, document: Document) -> bool:
    """Edit Properties (title and Thrive ID) is the manager's repair tool."""
    return not document.in_bin and manages(user, document.service_id)


def may_move_to_bin(user: User, document: Document) -> bool:
    """Managers, and the worker on the case (who removes a duplicate they uploaded)."""
    return may_add_version(user, document)


def may_restore(user: User, document: Document) -> bool:
    return document.in_bin and manages(user, document.service_id)


def document_actions(user: User, document: Document) -> set[str]:
    checks = {
        "add_version": may_add_version,
        "edit_properties": may_edit_properties,
        "move_to_bin": may_move_to_bin,
        "restore": may_restore,
    }
    return {name for name, check in checks.items() if check(user, document)}


# --- Changes ----------------------------------------------------------------------------------


def find_duplicate(*, service: Service, case: Case | None, sha256: str) -> Document | None:
    """The live document with the same content on the same case (or, with no case, among the
    service's documents with no Thrive ID)."""
    documents = Document.objects.live().filter(service=service, sha256=sha256)
    documents = documents.filter(case=case) if case else documents.filter(case__isnull=True)
    return documents.select_related("case").first()


def _store(checked: CheckedUpload) -> str:
    return store_checked_upload(checked, prefix=STORAGE_PREFIX)


def _discard(stored: str) -> None:
    try:
        default_storage.delete(stored)
    except Exception:  # pragma: no cover - the storage is down as well; log for the sweep
        log.exception("Could not delete the stored object %s after a failed upload", stored)


def upload_document(
    *,
    by: User | None,
    checked: CheckedUpload,
    title: str = "",
    case: Case | None = None,
    service: Service | None = None,
    name: str | None = None,
    imported: bool = False,
    request=None,
    entered_from: str = "",
) -> Document:
    """Add a checked file to the library, linked to `case`, or with no Thrive ID to `service`
    (only the bulk import, `imported=True`, does that: it runs on the server, so it checks no
    person's rights, and `by` is only recorded as the uploader). The name is made from the
    Thrive ID, today's date and the file's name unless `name` is given (imported files keep
    theirs). A file already on the case raises DuplicateDocument carrying the existing
    document and is not stored again.

    Call it outside any longer transaction: the stored object is deleted at once when this
    function's own transaction fails; one left by an outer rollback or a crash is removed by
    the daily sweep_orphan_files task."""
    if case is not None:
        service = case.service
        if not imported and not may_upload(by, case):
            raise DocumentActionRefused("You cannot add documents to this case.")
    elif service is None:
        raise ValueError("A document belongs to a case or, with no Thrive ID, to a service")
    elif not imported:
        raise DocumentActionRefused("Choose the case the document belongs to.")

    existing = find_duplicate(service=service, case=case, sha256=checked.sha256)
    if existing:
        raise DuplicateDocument(existing)

    now = timezone.now()
    if name is None:
        name = (
            conventional_name(case.thrive_id, checked.safe_name, timezone.localdate(now))
            if case
            else checked.safe_name
        )
    stored = _store(checked)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                service=service,
                case=case,
                title=title.strip(),
                name=name,
                **checked.facts,
                created_at=now,
                created_by=by,
                modified_at=now,
                modified_by=by,
            )
            version = DocumentVersion.objects.create(
                document=document,
                number=1,
                file=stored,
                original_name=checked.safe_name,
                **checked.facts,
                uploaded_by=by,
                uploaded_at=now,
            )
            document.current_version = version
            document.save(update_fields=["current_version"])
            audit.record(
                request,
                "document_uploaded",
                document,
                user=by,
                organisation=service.provider,
                note=audit.with_source(
                    ("imported, " if imported else "")
                    + (f"case {case.thrive_id}" if case else "no Thrive ID"),
                    entered_from,
                ),
            )
            counts.recount(
                service.pk,
                cases=[document.case_id],
                fingerprints=[document.sha256] if case else [],
                documents=1,
            )
    except IntegrityError:
        _discard(stored)
        existing = find_duplicate(service=service, case=case, sha256=checked.sha256)
        if existing:  # uploaded by someone else at the same moment
            raise DuplicateDocument(existing) from None
        raise
    except BaseException:
        _discard(stored)
        raise
    return document


def add_version(
    document: Document,
    *,
    by: User,
    checked: CheckedUpload,
    request=None,
    editor_lock: str | None = None,
    entered_from: str = "",
) -> DocumentVersion:
    """Upload a new version: the earlier ones are kept and stay downloadable. While the
    document is open in the browser editor only the editor's own save, naming its lock
    (`editor_lock`), is accepted; others raise DocumentOpenForEditing."""
    if not may_add_version(by, document):
        raise DocumentActionRefused("You cannot add a version to this document.")
    if checked.sha256 == document.sha256:
        raise DocumentActionRefused("This file is the same as the current version.")
    now = timezone.now()
    stored = _store(checked)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            _refuse_while_open(locked, unless_lock=editor_lock)
            number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
            version = DocumentVersion.objects.create(
                document=locked,
                number=number,
                file=stored,
                original_name=checked.safe_name,
                **checked.facts,
                uploaded_by=by,
                uploaded_at=now,
            )
            name = locked.name
            if not name.lower().endswith(checked.extension):
                name = with_extension(name, checked.extension)
            Document.objects.filter(pk=locked.pk).update(
                current_version=version,
                name=name,
                **checked.facts,
                modified_at=now,
                modified_by=by,
            )
            audit.record(
                request,
                "document_version_added",
                locked,
                user=by,
                organisation=locked.service.provider,
                note=audit.with_source(
                    f"version {number}" + (", saved in the browser editor" if editor_lock else ""),
                    entered_from,
                ),
            )
            if locked.case_id:  # the document leaves one fingerprint for another
                counts.recount(locked.service_id, fingerprints=[locked.sha256, checked.sha256])
    except BaseException:
        _discard(stored)
        raise
    document.refresh_from_db()
    return version


def _refuse_duplicate(document: Document, case: Case) -> None:
    other = find_duplicate(service=document.service, case=case, sha256=document.sha256)
    if other and other.pk != document.pk:
        raise DocumentActionRefused(
            f"The same file is already on case {case.thrive_id} as {other.name}. "
            "Delete this copy instead."
        )


@transaction.atomic
def edit_properties(
    document: Document,
    *,
    by: User,
    title: str,
    case: Case,
    expected_modified_at=None,
    request=None,
) -> Document:
    """Edit Properties: the title, and the Thrive ID — fixing a document uploaded to the wrong
    case or with none. The case must be one of the document's service; the name takes the new
    ID (its date and filename stay), so the document leaves Documents with No Thrive ID.
    With `expected_modified_at` (when the form was opened), a change made meanwhile by
    someone else raises StaleDocument instead of being overwritten."""
    current = Document.objects.select_for_update().get(pk=document.pk)
    if expected_modified_at is not None and current.modified_at != expected_modified_at:
        raise StaleDocument(
            Document.objects.select_related("case", "modified_by").get(pk=document.pk)
        )
    document.case_id, document.name, document.title = current.case_id, current.name, current.title
    if not may_edit_properties(by, document):
        raise DocumentActionRefused("Only the service's managers can edit document properties.")
    if case is None or case.service_id != document.service_id:
        raise DocumentActionRefused("Choose a case of this service.")
    before = document.case.thrive_id if document.case_id else "no Thrive ID"
    changes = []
    if case.pk != document.case_id:
        _refuse_while_open(document)
        _refuse_duplicate(document, case)
        changes.append(f"Thrive ID {before} to {case.thrive_id}")
        document.name = conventional_name(
            case.thrive_id, document.name, timezone.localdate(document.created_at)
        )
        document.case = case
    if title.strip() != document.title:
        changes.append("title")
        document.title = title.strip()
    document.modified_at = timezone.now()
    document.modified_by = by
    # Only the properties: a new version saved meanwhile keeps its file fields.
    document.save(update_fields=["case", "name", "title", "modified_at", "modified_by"])
    audit.record(
        request,
        "document_properties_edited",
        document,
        user=by,
        organisation=document.service.provider,
        note=", ".join(changes) or "no change",
    )
    if current.case_id != document.case_id:
        counts.recount(
            document.service_id,
            cases=[current.case_id, document.case_id],
            fingerprints=[document.sha256],
        )
    return document


@transaction.atomic
def move_to_bin(document: Document, *, by: User, request=None) -> Document:
    """Delete a document: it goes to the bin, where the service's managers can restore it for
    30 days; then it is purged."""
    if not may_move_to_bin(by, document):
        raise DocumentActionRefused("You cannot delete this document.")
    # Locked against a new editor's lock, and against a second delete at the same moment
    # (which would take the document off the service's count twice).
    locked = _lock_unmoved(document, in_bin=False)
    _refuse_while_open(document)
    document.deleted_at = timezone.now()
    document.deleted_by = by
    document.save(update_fields=["deleted_at", "deleted_by"])
    audit.record(
        request, "document_moved_to_bin", document, user=by, organisation=document.service.provider
    )
    _recount_live(locked, -1)
    return document


def _lock_unmoved(document: Document, *, in_bin: bool) -> Document:
    """The document's row, locked; refused if someone else has meanwhile moved it into the
    bin or out of it (done twice, the move would change the service's counts twice)."""
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None or locked.in_bin != in_bin:
        where = "already in the bin" if not in_bin else "no longer in the bin"
        raise DocumentActionRefused(f"Someone else has changed this document: it is {where}.")
    return locked


def _recount_live(locked: Document, change: int) -> None:
    """The counts after a document (its locked row) left (-1) or rejoined (+1) the live
    documents."""
    counts.recount(
        locked.service_id,
        cases=[locked.case_id],
        fingerprints=[locked.sha256] if locked.case_id else [],
        documents=change,
    )


@transaction.atomic
def restore(document: Document, *, by: User, request=None) -> Document:
    """Take a document out of the bin, back onto its case (a manager's action)."""
    if not may_restore(by, document):
        raise DocumentActionRefused("Only the service's managers can restore documents.")
    locked = _lock_unmoved(document, in_bin=True)
    if document.case_id:
        _refuse_duplicate(document, document.case)
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by"])
    audit.record(
        request, "document_restored", document, user=by, organisation=document.service.provider
    )
    _recount_live(locked, 1)
    return document


@transaction.atomic
def purge(document: Document, *, by: User | None = None, request=None) -> None:
    """Delete a document for good: its rows now, its stored files once that has committed.
    Only documents in the bin: a system administrator may do it at any time (for example a
    document uploaded for the wrong family that must not be kept); otherwise only after the
    30 days in which a manager can restore it (the purge_bin task)."""
    if document.deleted_at is None:
        raise DocumentActionRefused("Only documents in the bin can be deleted for good.")
    early = document.deleted_at > timezone.now() - timedelta(days=BIN_DAYS)
    if early and not (by is not None and by.has_role(Role.SYSTEM_ADMIN)):
        raise DocumentActionRefused("Only documents 30 days in the bin can be deleted for good.")
    # No count changes: the counts are of live documents, and this one is in the bin.
    files = list(document.versions.values_list("file", flat=True))
    audit.record(
        request,
        "document_purged",
        document,
        user=by,
        organisation=document.service.provider,
        note=f"{len(files)} version(s)",
    )
    Document.objects.filter(pk=document.pk).update(current_version=None)
    document.versions.all().delete()
    document.delete()

    def delete_files():
        for name in files:
            _discard(name)

    transaction.on_commit(delete_files)
