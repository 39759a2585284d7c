"""Storing checked uploads: under a random name, through Django's default storage.

The object name never contains anything the user chose — their file name lives in the
database — so it cannot clash, traverse or leak a child's name into bucket listings and logs.
With S3 (STORAGE_BUCKET_NAME set) objects are private (default_acl "private") and are served
only through views that check access.
"""

import re
import uuid

from django.core.files.storage import default_storage
from django.utils import timezone

from .checking import CheckedUpload

_PREFIX = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*")


def store_checked_upload(checked: CheckedUpload, *, prefix: str) -> str:
    """Save the checked bytes as `prefix/YYYY/MM/<random hex>`; return the stored name.

    `prefix` names the area (for example "case-documents" or "portal"): lower-case letters,
    digits, "-", "_" and "/". The content type saved with the object is the one detected from
    the content, never the one the browser claimed.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"Storage prefix {prefix!r} must be lower-case words separated by /")
    name = f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    return default_storage.save(name, checked.open())
