"""Upload safety for every file people give Thrive: case documents and portal evidence.

    checked = check_upload(form.cleaned_data["file"])   # or use documents.fields.SafeFileField
    name = store_checked_upload(checked, prefix="case-documents")

Only Word (.doc, .docx), PDF, Excel (.xlsx), JPG and PNG files are accepted, judged by their
content. Everything refused raises UploadRefused whose message tells the user why.
"""

from .checking import CheckedUpload, check_upload
from .handlers import OversizeUpload, UploadSizeLimitHandler
from .names import ALLOWED_EXTENSIONS, safe_filename
from .refusals import UploadRefused
from .storage import store_checked_upload
from .viruses import scan_for_viruses

__all__ = [
    "ALLOWED_EXTENSIONS",
    "CheckedUpload",
    "OversizeUpload",
    "UploadRefused",
    "UploadSizeLimitHandler",
    "check_upload",
    "safe_filename",
    "scan_for_viruses",
    "store_checked_upload",
]
