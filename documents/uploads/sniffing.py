"""What a file is, from its first bytes, and whether web page or script code hides inside it.

The five allowed formats are recognised by their own signatures, which are exact and do not
change between libmagic versions. Anything else is refused, and libmagic (python-magic) is
asked only what it is, so that the refusal can say "an executable program" or "a GIF image"
rather than just "not allowed".
"""

import re

import magic

from . import refusals
from .refusals import UploadRefused

HEAD_BYTES = 64 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (OLE_SIGNATURE, "ole"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
_EXECUTABLE_SIGNATURES = (
    b"\x7fELF",  # Linux and other Unix programs
    b"MZ",  # Windows programs and libraries (PE), and DOS ones
    b"\xfe\xed\xfa\xce",  # macOS programs (Mach-O), both byte orders, 32 and 64 bit
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal programs and Java classes
    b"\x00asm",  # WebAssembly
)
_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")
_EXECUTABLE_MIME = {
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-pie-executable",
    "application/x-dosexec",
    "application/x-mach-binary",
    "application/vnd.microsoft.portable-executable",
    "application/x-msdownload",
    "application/java-archive",
    "application/x-java-applet",
}
_SCRIPT_MIME = {
    "application/javascript",
    "text/javascript",
    "application/x-shellscript",
    "text/x-shellscript",
    "text/x-python",
    "text/x-script.python",
    "text/x-perl",
    "text/x-php",
    "text/x-ruby",
    "text/x-msdos-batch",
    "text/x-powershell",
    "text/x-vbscript",
}
_ARCHIVE_MIME = {
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip2",
    "application/x-xz",
    "application/x-tar",
    "application/x-7z-compressed",
    "application/x-rar",
    "application/vnd.rar",
    "application/x-iso9660-image",
    "application/vnd.ms-cab-compressed",
}
_IMAGE_NAMES = {
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/x-ms-bmp": "BMP",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
    "image/x-icon": "icon",
    "image/vnd.microsoft.icon": "icon",
    "image/jp2": "JPEG 2000",
    "image/vnd.adobe.photoshop": "Photoshop",
}


def identify(head: bytes) -> str:
    """Return "pdf", "zip", "ole", "jpeg" or "png", or refuse saying what the file is."""
    for signature, found in _SIGNATURES:
        if head.startswith(signature):
            return found
    raise describe_refused(head)


def describe_refused(head: bytes) -> UploadRefused:
    """The refusal for a file that is none of the allowed formats, naming what it is."""
    if head.startswith(_EXECUTABLE_SIGNATURES):
        return UploadRefused(refusals.EXECUTABLE, code="executable")
    if head.startswith(b"#!"):
        return UploadRefused(refusals.SCRIPT, code="script")
    text = _text_start(head)
    if text.startswith(b"<svg") or (
        text.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in text
    ):
        return UploadRefused(refusals.SVG, code="svg")
    if text.startswith(_MARKUP_STARTS):
        return UploadRefused(refusals.HTML, code="html")
    mime = magic.from_buffer(head, mime=True)
    if mime in _EXECUTABLE_MIME:
        return UploadRefused(refusals.EXECUTABLE, code="executable")
    if mime in _SCRIPT_MIME:
        return UploadRefused(refusals.SCRIPT, code="script")
    if mime == "text/html":
        return UploadRefused(refusals.HTML, code="html")
    if mime == "image/svg+xml":
        return UploadRefused(refusals.SVG, code="svg")
    if mime in _ARCHIVE_MIME:
        return UploadRefused(refusals.ARCHIVE, code="archive")
    if mime in _IMAGE_NAMES:
        return UploadRefused(refusals.other_image(_IMAGE_NAMES[mime]), code="other_image")
    if mime in {"text/rtf", "application/rtf"}:
        return UploadRefused(refusals.RTF, code="rtf")
    if mime.startswith("text/"):
        return UploadRefused(refusals.TEXT, code="text")
    return UploadRefused(refusals.WRONG_TYPE, code="wrong_type")


def _text_start(head: bytes) -> bytes:
    """The first bytes as lower-case ASCII-ish text, without a byte order mark or spaces."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        head = head[2:4096].decode(encoding, errors="ignore").encode("ascii", errors="ignore")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head[:4096].lstrip().lower()


class HiddenCodeScanner:
    """Looks through a file, chunk by chunk, for HTML, SVG or PHP tags.

    None of the allowed formats has any reason to contain them as raw bytes: Word and Excel
    escape "<" in text and compress their parts, PDFs compress their content, and pictures
    are binary. Finding one means a polyglot — a file that is also a web page or script,
    which a browser or server could be tricked into running.
    """

    PATTERN = re.compile(
        rb"<(?:script|html|body|iframe|svg|object|embed)[\s>/]|<\?php[\s]", re.IGNORECASE
    )
    _OVERLAP = 16

    def __init__(self):
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        window = self._tail + chunk
        if self.PATTERN.search(window):
            self.found = True
        self._tail = window[-self._OVERLAP :]

    def finish(self) -> None:
        # A tag right at the end of the file has no character after it.
        self.feed(b" ")
