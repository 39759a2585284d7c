"""check_upload: everything an uploaded file must pass before it is stored.

The order matters. Cheap checks on the name and size come first. One streaming pass then
hashes the file, measures it and looks for hidden web page code. The virus scan comes next, so
that known malware is named as such and never reaches our parsers. Then the file is
identified by its content, its name must agree, and the format's own checks run: Office
packages and compound files, PDFs, pictures (which are also rebuilt without metadata).
Nothing reads a whole file into memory: every pass goes through it in 64 KB chunks.
"""

import hashlib
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File

from . import refusals
from .images import strip_image_metadata
from .names import extension_of, name_is_hostile, safe_filename
from .office import check_compound_file, check_office_package
from .pdf import check_pdf
from .refusals import UploadRefused
from .sniffing import HEAD_BYTES, HiddenCodeScanner, identify
from .viruses import scan_for_viruses

CHUNK = 64 * 1024

# format: (kind, content type, extensions the name may end in; the first is the usual one)
FORMATS = {
    "pdf": ("pdf", "application/pdf", (".pdf",)),
    "docx": (
        "word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "doc": ("word", "application/msword", (".doc",)),
    "xlsx": (
        "excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "jpeg": ("image", "image/jpeg", (".jpg", ".jpeg")),
    "png": ("image", "image/png", (".png",)),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, and the bytes to store for it.

    `size` and `sha256` describe the bytes to store: for pictures those are the rebuilt,
    metadata-free bytes (rebuilding is deterministic, so the same photo uploaded twice has the
    same sha256); for everything else, the file as uploaded.
    """

    safe_name: str
    extension: str
    kind: str  # "word", "pdf", "excel" or "image"
    content_type: str
    size: int
    sha256: str
    virus_scanned: bool
    file: File = field(repr=False, compare=False)

    @property
    def facts(self) -> dict:
        """What every row that records a stored file keeps about it."""
        return {
            "kind": self.kind,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }

    def open(self) -> File:
        """The bytes to store, from the start, with the checked name and content type."""
        self.file.seek(0)
        return self.file

    def chunks(self, chunk_size: int = CHUNK):
        self.file.seek(0)
        while chunk := self.file.read(chunk_size):
            yield chunk


def check_upload(uploaded_file) -> CheckedUpload:
    """Check an uploaded file (a Django UploadedFile or any named, seekable file object).

    Returns a CheckedUpload, or raises UploadRefused with a message for the user.
    """
    refusal = getattr(uploaded_file, "refusal", None)
    if refusal:  # refused while streaming (documents.uploads.handlers)
        raise UploadRefused(refusal, code=uploaded_file.refusal_code)
    name = uploaded_file.name or ""
    if name_is_hostile(name):
        raise UploadRefused(refusals.NAME_NOT_ALLOWED, code="name")
    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(refusals.too_large(), code="too_large")

    size, sha256, head, hidden_code = _read_through(uploaded_file)
    if size == 0:
        raise UploadRefused(refusals.EMPTY, code="empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(refusals.too_large(), code="too_large")
    virus_scanned = scan_for_viruses(uploaded_file)

    found = identify(head)
    if hidden_code:
        raise UploadRefused(refusals.HIDDEN_CODE, code="polyglot")
    if found != "pdf" and b"%PDF-" in head[:1024]:
        # PDF readers accept a header anywhere in the first kilobyte.
        raise UploadRefused(refusals.HIDDEN_PDF, code="polyglot")
    if found == "zip":
        found = check_office_package(uploaded_file, size)
    elif found == "ole":
        found = check_compound_file(uploaded_file, extension=extension_of(name))
    kind, content_type, extensions = FORMATS[found]
    extension = extension_of(name)
    if extension not in extensions:
        if not extension:
            raise UploadRefused(refusals.NO_EXTENSION, code="extension")
        raise UploadRefused(
            refusals.wrong_extension(refusals.KIND_LABELS[found], extension, extensions[0]),
            code="extension",
        )
    if found not in {"docx", "xlsx"} and _is_also_zip(uploaded_file):
        raise UploadRefused(refusals.HIDDEN_ARCHIVE, code="polyglot")
    if found == "pdf":
        check_pdf(uploaded_file, size)

    stored = uploaded_file
    if kind == "image":
        stored = strip_image_metadata(uploaded_file, found)
        size, sha256 = _measure(stored)
    safe_name = safe_filename(name, extension=extension)
    file = File(stored, name=safe_name)
    file.content_type = content_type
    file.seek(0)
    return CheckedUpload(
        safe_name=safe_name,
        extension=extension,
        kind=kind,
        content_type=content_type,
        size=size,
        sha256=sha256,
        virus_scanned=virus_scanned,
        file=file,
    )


def _read_through(file) -> tuple[int, str, bytes, bool]:
    """One pass over the file: its real size, SHA-256, first bytes, and any hidden code."""
    digest = hashlib.sha256()
    scanner = HiddenCodeScanner()
    head = b""
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        size += len(chunk)
        if size > settings.UPLOAD_MAX_BYTES:
            break  # a file object that lied about its size; no need to read on
        digest.update(chunk)
        scanner.feed(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    scanner.finish()
    file.seek(0)
    return size, digest.hexdigest(), head, scanner.found


def _measure(file) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def _is_also_zip(file) -> bool:
    """True when a PDF, picture or .doc ends like a zip file (a polyglot)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)
