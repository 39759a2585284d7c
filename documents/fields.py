"""Form fields for uploads."""

from django import forms
from django.core.exceptions import ValidationError

from .uploads import ALLOWED_EXTENSIONS, UploadRefused, check_upload
from .uploads.refusals import EMPTY, without_excel


class SafeFileField(forms.FileField):
    """A file field whose cleaned value is a CheckedUpload, never an unchecked file.

    clean() runs check_upload, so every rule (type by content, size, macros, viruses...)
    applies wherever an upload is taken, and a refusal shows on the field in the user's words.
    A file already refused while streaming (too large) arrives as an OversizeUpload and is
    reported here too. Store the result with documents.uploads.store_checked_upload.
    """

    default_error_messages = {
        "required": "Select a file",
        "empty": EMPTY,
        "invalid": "The selected file could not be uploaded. Try again",
        "missing": "The selected file could not be uploaded. Try again",
    }

    def __init__(self, *, takes_spreadsheets: bool = True, **kwargs):
        """`takes_spreadsheets=False` where Excel files are refused: refusals then name only
        Word, PDF, JPG and PNG."""
        self.takes_spreadsheets = takes_spreadsheets
        kwargs.setdefault(
            "widget", forms.FileInput(attrs={"accept": ",".join(sorted(ALLOWED_EXTENSIONS))})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        try:
            return self._clean(data, initial)
        except ValidationError as error:
            if self.takes_spreadsheets:
                raise
            # Refusals name what is taken here; the codes (for audit) stay as they are.
            raise ValidationError(
                [ValidationError(without_excel(e.message), code=e.code) for e in error.error_list]
            ) from error

    def _clean(self, data, initial=None):
        refusal = getattr(data, "refusal", None)
        if refusal:
            raise ValidationError(refusal, code=data.refusal_code)
        data = super().clean(data, initial)
        if not data or data is initial:
            return data
        try:
            return check_upload(data)
        except UploadRefused as refused:
            raise ValidationError(refused.message, code=refused.code) from None
