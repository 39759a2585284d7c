"""The upload handler that enforces UPLOAD_MAX_BYTES while the file is still arriving.

Django hands each uploaded file to the FILE_UPLOAD_HANDLERS in turn, a chunk (64 KB) at a
time. This handler sits first: it counts each file's bytes and, once a file passes the limit,
stops passing its chunks on, deletes what the later handlers had written so far, and — instead
of the file — puts an `OversizeUpload` into request.FILES. So an oversize file never reaches
memory or disk beyond the limit, and the form can still say why it was refused (dropping the
file silently would make the form say "Select a file" instead).

The rest of the request body is still read and thrown away rather than the connection being
cut, because browsers show a connection error, not our page, when the server hangs up on an
upload. The total request size belongs to the web server in front (client_max_body_size).
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from .refusals import too_large


class OversizeUpload(UploadedFile):
    """Stands in request.FILES for a file refused while streaming; it holds no content."""

    def __init__(self, name, content_type, size, charset, content_type_extra):
        super().__init__(BytesIO(), name, content_type, size, charset, content_type_extra)
        self.refusal = too_large()
        self.refusal_code = "too_large"


class UploadSizeLimitHandler(FileUploadHandler):
    """Refuse each uploaded file that is bigger than settings.UPLOAD_MAX_BYTES, as it streams."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if self.too_large:
            return None
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            self._discard_later_handlers_files()
            return None
        return raw_data

    def file_complete(self, file_size):
        if not self.too_large:
            return None  # the next handler (memory or temporary file) provides the file
        return OversizeUpload(
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def _discard_later_handlers_files(self):
        # The later handlers will not be asked to complete this file (we answer first), so
        # close what they hold now: a TemporaryUploadedFile deletes itself when closed. Django
        # relies on the same `file` attribute when it abandons an upload (_close_files).
        handlers = list(self.request.upload_handlers) if self.request else []
        later = handlers[handlers.index(self) + 1 :] if self in handlers else []
        for handler in later:
            file = getattr(handler, "file", None)
            if file is not None:
                file.close()
