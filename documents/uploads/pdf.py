"""PDFs: refuse those that can run code, start programs, act when opened, send or open other
files, carry other files, or are encrypted.

A PDF is read as a stream of bytes, never parsed into memory. Dictionary keys are looked for
in the raw bytes — spelled plainly or with the #xx escapes PDF allows (/J#61vaScript) — and
in object streams (/ObjStm, PDF 1.5+), which are decompressed in chunks because that is where
a PDF can hide its dictionaries from a plain search. A key found by chance inside compressed
binary data refuses a good file; that needs a particular 12+ byte sequence and is rare enough
to accept for a check that errs on the side of safety.
"""

import re
import zlib

from . import refusals
from .refusals import UploadRefused

PDF_MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # for all object streams in one PDF together
_CHUNK = 64 * 1024
_OVERLAP = 256  # longer than any key we look for, even fully #xx-escaped
_DELIMITERS = rb"[\x00\t\n\x0c\r /<>\[\]()%{}]"


def _name(word: str) -> bytes:
    """A regex for the PDF name `word` (after its slash), each letter plain or #xx-escaped."""
    letters = []
    for char in word:
        code = f"{ord(char):02x}"
        escaped = b"#" + b"".join(
            f"[{digit}{digit.upper()}]".encode() if digit.isalpha() else digit.encode()
            for digit in code
        )
        letters.append(b"(?:" + re.escape(char.encode()) + b"|" + escaped + b")")
    return b"".join(letters)


def _names(*words: str) -> re.Pattern:
    alternatives = b"|".join(b"(?P<" + word.encode() + b">" + _name(word) + b")" for word in words)
    # The slash stands first, outside the groups, so the regex engine can jump from slash to
    # slash: ten times faster on a 15 MB PDF than trying every alternative at every byte.
    return re.compile(b"/(?:" + alternatives + b")(?=" + _DELIMITERS + b")")


# Longest first, so that /JS does not shadow /JavaScript and /EmbeddedFile shadows nothing.
# Browsers ignore most of these; Acrobat and Reader act on them: XFA forms (their own
# scripting), additional actions (/AA: run on opening a page, a field, closing), and actions
# that submit the form somewhere or open another or a remote file (/GoToR, /GoToE,
# /ImportData). Plain links (/URI) are what ordinary PDFs carry and are allowed.
_RISKY = _names(
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFiles",
    "EmbeddedFile",
    "RichMedia",
    "XFA",
    "AA",
    "SubmitForm",
    "ImportData",
    "GoToR",
    "GoToE",
)
_STRUCTURE = _names("Encrypt", "ObjStm")
_REFUSALS = {
    "JavaScript": (refusals.PDF_JAVASCRIPT, "pdf_javascript"),
    "JS": (refusals.PDF_JAVASCRIPT, "pdf_javascript"),
    "Launch": (refusals.PDF_LAUNCH, "pdf_launch"),
    "EmbeddedFiles": (refusals.PDF_EMBEDDED, "pdf_embedded_file"),
    "EmbeddedFile": (refusals.PDF_EMBEDDED, "pdf_embedded_file"),
    "RichMedia": (refusals.PDF_EMBEDDED, "pdf_embedded_file"),
    "XFA": (refusals.PDF_XFA, "pdf_xfa"),
    "AA": (refusals.PDF_ACTIONS, "pdf_actions"),
    "SubmitForm": (refusals.PDF_ACTIONS, "pdf_actions"),
    "ImportData": (refusals.PDF_ACTIONS, "pdf_actions"),
    "GoToR": (refusals.PDF_ACTIONS, "pdf_actions"),
    "GoToE": (refusals.PDF_ACTIONS, "pdf_actions"),
}
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()]+)")
_FLATE = re.compile(rb"^\[?\s*/(FlateDecode|Fl)\s*\]?$")
_STREAM_START = re.compile(rb"stream(\r\n|\n|\r)")
_OBJECT_START = re.compile(rb"\d+\s+\d+\s+obj\b")


def check_pdf(file, size: int) -> str:
    """Check a file that starts %PDF-; return "pdf"."""
    object_streams = []
    encrypted = False
    for offset, window in _windows(file, size):
        _refuse_risky_keys(window)
        for found in _STRUCTURE.finditer(window):
            if found.lastgroup == "Encrypt":
                encrypted = True
            elif offset + found.start() not in object_streams:
                object_streams.append(offset + found.start())
    if encrypted:
        # Strings and streams are encrypted, so nothing inside could be checked.
        raise UploadRefused(refusals.PASSWORD, code="password")
    expanded = 0
    for position in object_streams:
        expanded = _check_object_stream(file, position, expanded)
    return "pdf"


def _windows(file, size: int):
    """Yield (offset, bytes) windows over the file that overlap, so no key is cut in two."""
    file.seek(0)
    offset = 0
    tail = b""
    while chunk := file.read(_CHUNK):
        window = tail + chunk
        yield offset - len(tail), window
        tail = window[-_OVERLAP:]
        offset += len(chunk)
    # A key right at the end of the file has no delimiter after it.
    yield offset - len(tail), tail + b"\n"


def _refuse_risky_keys(data: bytes) -> None:
    found = _RISKY.search(data)
    if found:
        message, code = _REFUSALS[found.lastgroup]
        raise UploadRefused(message, code=code)


def _check_object_stream(file, position: int, expanded: int) -> int:
    """Decompress one object stream in chunks and look inside it; return bytes expanded."""
    before = min(position, 4096)
    file.seek(position - before)
    around = file.read(before + 8192)
    objects = list(_OBJECT_START.finditer(around, 0, before))
    start = _STREAM_START.search(around, before)
    if not objects or not start:
        # "/Type /ObjStm" outside an object with a stream: only a damaged or crafted PDF.
        raise UploadRefused(refusals.PDF_UNCHECKABLE, code="pdf_uncheckable")
    dictionary = around[objects[-1].end() : start.start()]
    if b"endobj" in dictionary:
        raise UploadRefused(refusals.PDF_UNCHECKABLE, code="pdf_uncheckable")
    filters = _FILTER.search(dictionary)
    if filters is None:
        return expanded  # not compressed: its bytes were already searched
    if not _FLATE.match(filters.group(1).strip()) or b"/DecodeParms" in dictionary:
        raise UploadRefused(refusals.PDF_UNCHECKABLE, code="pdf_uncheckable")
    file.seek(position - before + start.end())
    inflater = zlib.decompressobj()
    tail = b""
    try:
        while not inflater.eof and (chunk := file.read(_CHUNK)):
            data = inflater.decompress(chunk, _CHUNK)
            while True:
                expanded += len(data)
                if expanded > PDF_MAX_EXPANDED_BYTES:
                    raise UploadRefused(refusals.EXPANDS, code="pdf_bomb")
                window = tail + data
                _refuse_risky_keys(window + (b"\n" if inflater.eof else b""))
                _refuse_structure_in_object_stream(window)
                tail = window[-_OVERLAP:]
                if not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    except zlib.error as error:
        raise UploadRefused(refusals.PDF_UNCHECKABLE, code="pdf_uncheckable") from error
    _refuse_risky_keys(tail + b"\n")
    return expanded


def _refuse_structure_in_object_stream(data: bytes) -> None:
    # Object streams may not nest, and the encryption dictionary may not be inside one.
    if _STRUCTURE.search(data):
        raise UploadRefused(refusals.PDF_UNCHECKABLE, code="pdf_uncheckable")
