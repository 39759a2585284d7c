"""Applying a record's document or photo (continuity.applying): the live upload services,
with their checks, naming and audit."""

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from documents.models import Document
from documents.services import (
    DocumentActionRefused,
    DuplicateDocument,
    add_version,
    upload_document,
)
from documents.uploads import UploadRefused, check_upload

from .records import RecordRefused


def apply_attachment(record, case, *, by, request, source: str) -> str:
    """The file kept with the record, checked again, into the case's library: a new document
    named by the naming convention, or a new version of the document it was chosen for. The
    copy kept with the record is deleted once that has committed; the document's audit says
    it was entered from `source`. Call inside the applying transaction."""
    attachment = record.attachment
    with default_storage.open(attachment.stored_name) as stored:
        try:
            checked = check_upload(File(stored, name=attachment.original_name))
        except UploadRefused as refused:
            raise RecordRefused(refused.message) from None
        try:
            if record.values.get("document"):
                document, message = _add_version(
                    record, case, checked, by=by, request=request, source=source
                )
            else:
                document = upload_document(
                    by=by,
                    checked=checked,
                    case=case,
                    title=record.values.get("title", ""),
                    request=request,
                    entered_from=source,
                )
                message = f"{document.name} is in the document library of case {case.thrive_id}."
        except DuplicateDocument as duplicate:
            document = duplicate.existing
            message = f"This file was already on case {case.thrive_id} as {document.name}."
        except DocumentActionRefused as refused:
            raise RecordRefused(str(refused)) from None
    attachment.document = document
    attachment.save(update_fields=["document"])
    stored_name = attachment.stored_name
    transaction.on_commit(lambda: default_storage.delete(stored_name))
    return message


VERSION_OF_GONE = (
    "The document this is a new version of is no longer in the case’s document library: "
    "upload the file by hand."
)


def _add_version(record, case, checked, *, by, request, source):
    """A new version of one of the case's documents, as Upload new version adds it."""
    document = (
        Document.objects.visible_to(by)
        .live()
        .filter(pk=record.values["document"], case=case)
        .first()
    )
    if document is None:
        raise RecordRefused(VERSION_OF_GONE)
    version = add_version(document, by=by, checked=checked, request=request, entered_from=source)
    return document, f"Version {version.number} of {document.name} is in the document library."
