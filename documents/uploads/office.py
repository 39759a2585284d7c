"""Word and Excel files: .docx and .xlsx (zip packages) and legacy .doc (OLE compound files).

Nothing is ever extracted to disk. zipfile reads the package through the uploaded file object
(seeking as it goes), every part is decompressed in 64 KB chunks only to count its real size,
verify its checksum and look at its first bytes, and olefile reads the compound file's
directory the same way.
"""

import re
import zipfile
import zlib

import olefile

from . import refusals
from .refusals import UploadRefused

ZIP_MAX_ENTRIES = 2000
ZIP_MAX_EXPANDED_BYTES = 300 * 1024 * 1024
# Office XML compresses 5-30 times; a part that expands more than this is a bomb. Small parts
# are exempt: a few kilobytes of repeated XML may legitimately compress very well.
ZIP_MAX_RATIO = 100
ZIP_RATIO_EXEMPT_BYTES = 1024 * 1024
_PART_LIMIT = 2 * 1024 * 1024  # [Content_Types].xml and relationship parts are small
_CHUNK = 64 * 1024

_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
# Parts and content types that only exist to carry code: VBA projects (vbaProject.bin,
# vbaData.xml), Excel 4.0 macro sheets, ActiveX controls, and macro-enabled main parts.
_MACRO_NAME = re.compile(
    r"(^|/)(vbaproject\.bin|vbadata\.xml)$|(^|/)(activex|macrosheets)/", re.IGNORECASE
)
_MACRO_TYPE = re.compile(r"macroenabled|vbaproject|macrosheet|activex", re.IGNORECASE)
_MACRO_EMBEDDED = (".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".xlam", ".pptm", ".potm")
_PROGRAM_EMBEDDED = (
    ".exe", ".dll", ".scr", ".com", ".bat", ".cmd", ".pif", ".msi", ".js", ".jse", ".vbs",
    ".vbe", ".wsf", ".hta", ".ps1", ".jar", ".lnk", ".cpl", ".reg",
)  # fmt: skip
_PROGRAM_STARTS = (b"MZ", b"\x7fELF")
# An OLE "Package" object (how a program is wrapped inside a document) has a stream with
# this name; in a compound file's directory it is stored as UTF-16.
_PACKAGE_STREAM = "\x01Ole10Native".encode("utf-16-le")
# Relationships that may point outside the package: web links and links to other workbooks.
# Anything else external (a remote template, an OLE object, a frame) loads content when the
# file is opened, which is how template-injection and "Follina" attacks work.
_SAFE_EXTERNAL = re.compile(r"/(hyperlink|externalLinkPath)$", re.IGNORECASE)
_CONTENT_TYPE = re.compile(rb'ContentType\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')

_WORD_DOCUMENT_IDENT = 0xA5EC
_FIB_ENCRYPTED = 0x0100


def _damaged_package() -> UploadRefused:
    return UploadRefused(refusals.damaged("a Word document or Excel spreadsheet"), code="damaged")


def check_office_package(file, size: int) -> str:
    """Check a zip file that should be a .docx or .xlsx; return "docx" or "xlsx"."""
    _check_nothing_after_zip(file, size)
    try:
        package = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged_package() from error
    with package:
        infos = package.infolist()
        _check_entries(infos)
        names = {info.filename.lower(): info for info in infos}
        if "[content_types].xml" not in names:
            if "mimetype" in names and b"opendocument" in _read_part(package, names["mimetype"]):
                raise UploadRefused(refusals.OPEN_DOCUMENT, code="open_document")
            raise UploadRefused(refusals.ARCHIVE, code="archive")
        content_types = [
            value.decode("utf-8", "replace").lower()
            for value in _CONTENT_TYPE.findall(_read_part(package, names["[content_types].xml"]))
        ]
        if any(_MACRO_NAME.search(name) for name in names) or any(
            _MACRO_TYPE.search(value) for value in content_types
        ):
            raise UploadRefused(refusals.MACROS, code="macros")
        found = next((_MAIN_TYPES[value] for value in content_types if value in _MAIN_TYPES), None)
        if found is None:
            if any("presentationml" in value for value in content_types):
                raise UploadRefused(refusals.POWERPOINT, code="powerpoint")
            raise UploadRefused(refusals.WRONG_TYPE, code="wrong_type")
        _check_every_part(package, infos)
    return found


def _check_nothing_after_zip(file, size: int) -> None:
    # The end-of-central-directory record must be the last thing in the file: anything after
    # it (a script, a second document) is a polyglot that zipfile itself would ignore.
    tail_size = min(size, 22 + 65535)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        raise _damaged_package()
    comment_length = int.from_bytes(tail[end + 20 : end + 22], "little")
    if end + 22 + comment_length != len(tail):
        raise UploadRefused(refusals.HIDDEN_CONTENT, code="polyglot")


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UploadRefused(refusals.TOO_MANY_PARTS, code="zip_bomb")
    seen = set()
    for info in infos:
        name = info.filename
        if (
            name.lower() in seen
            or name.startswith("/")
            or "\\" in name
            or "\x00" in name
            or ".." in name.split("/")
        ):
            raise _damaged_package()
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise UploadRefused(refusals.PASSWORD, code="password")
    if sum(info.file_size for info in infos) > ZIP_MAX_EXPANDED_BYTES:
        raise UploadRefused(refusals.EXPANDS, code="zip_bomb")
    for info in infos:
        if info.file_size > ZIP_RATIO_EXEMPT_BYTES and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UploadRefused(refusals.EXPANDS, code="zip_bomb")


def _check_every_part(package: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress every part in chunks: real sizes, checksums, hidden programs, links."""
    expanded = 0
    for info in infos:
        name = info.filename.lower()
        if name.endswith(_MACRO_EMBEDDED):
            raise UploadRefused(refusals.MACROS, code="macros")
        if name.endswith(_PROGRAM_EMBEDDED):
            raise UploadRefused(refusals.HIDDEN_PROGRAM, code="hidden_program")
        is_relationships = name.endswith(".rels")
        kept = bytearray()
        part_size = 0
        previous = b""
        try:
            with package.open(info) as part:
                while chunk := part.read(_CHUNK):
                    if part_size == 0 and chunk.startswith(_PROGRAM_STARTS):
                        raise UploadRefused(refusals.HIDDEN_PROGRAM, code="hidden_program")
                    part_size += len(chunk)
                    expanded += len(chunk)
                    if expanded > ZIP_MAX_EXPANDED_BYTES:
                        raise UploadRefused(refusals.EXPANDS, code="zip_bomb")
                    if _PACKAGE_STREAM in previous[-32:] + chunk:
                        raise UploadRefused(refusals.HIDDEN_PROGRAM, code="hidden_program")
                    previous = chunk
                    if is_relationships:
                        kept += chunk
                        if len(kept) > _PART_LIMIT:
                            raise UploadRefused(refusals.EXPANDS, code="zip_bomb")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            # Bad CRC-32, a truncated part, or a compression method Office never uses.
            raise _damaged_package() from error
        if is_relationships:
            _check_relationships(bytes(kept))


def _check_relationships(data: bytes) -> None:
    for element in _RELATIONSHIP.findall(data):
        attributes = {key.lower(): value for key, value in _ATTRIBUTE.findall(element)}
        if attributes.get(b"targetmode", b"").lower() != b"external":
            continue
        kind = attributes.get(b"type", b"").decode("utf-8", "replace")
        if not _SAFE_EXTERNAL.search(kind):
            raise UploadRefused(refusals.EXTERNAL_CONTENT, code="external_content")


def _read_part(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with package.open(info) as part:
            data = part.read(_PART_LIMIT + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise _damaged_package() from error
    if len(data) > _PART_LIMIT:
        raise UploadRefused(refusals.EXPANDS, code="zip_bomb")
    return data


# What a damaged compound file was meant to be, by its name: old Excel and PowerPoint files
# are compound files too, and calling a damaged .xls "a Word document" misleads.
_COMPOUND_LABELS = {
    ".xls": "an Excel workbook",
    ".ppt": "a PowerPoint presentation",
}


def check_compound_file(file, *, extension: str = "") -> str:
    """Check an OLE compound file that should be a legacy Word .doc; return "doc".

    Encrypted .docx and .xlsx files are compound files too (an EncryptedPackage stream), so
    this is also where those are recognised and refused as password-protected.
    """
    try:
        document = olefile.OleFileIO(file)
    except Exception as error:  # olefile raises many kinds of error on damaged files
        label = _COMPOUND_LABELS.get(extension, "a Word document")
        raise UploadRefused(refusals.damaged(label), code="damaged") from error
    with document:
        paths = [[part.lower() for part in path] for path in document.listdir(True, True)]
        parts = {part for path in paths for part in path}
        top = {path[0] for path in paths if len(path) == 1}
        if {"encryptioninfo", "encryptedpackage"} <= top:
            raise UploadRefused(refusals.PASSWORD, code="password")
        if parts & {"macros", "_vba_project_cur", "vba", "_vba_project"}:
            raise UploadRefused(refusals.MACROS, code="macros")
        if "\x01ole10native" in parts:
            raise UploadRefused(refusals.HIDDEN_PROGRAM, code="hidden_program")
        if "worddocument" in top:
            fib = _stream_start(document, file, "worddocument", 12)
            if len(fib) < 12 or int.from_bytes(fib[0:2], "little") != _WORD_DOCUMENT_IDENT:
                raise UploadRefused(refusals.damaged("a Word document"), code="damaged")
            if int.from_bytes(fib[10:12], "little") & _FIB_ENCRYPTED:
                raise UploadRefused(refusals.PASSWORD, code="password")
            return "doc"
        if top & {"workbook", "book"}:
            raise UploadRefused(refusals.OLD_EXCEL, code="old_excel")
        if "powerpoint document" in top:
            raise UploadRefused(refusals.POWERPOINT, code="powerpoint")
    raise UploadRefused(refusals.WRONG_TYPE, code="wrong_type")


def _stream_start(document: olefile.OleFileIO, file, name: str, length: int) -> bytes:
    """The first bytes of a top-level stream, without olefile loading the whole stream.

    olefile's openstream() reads a stream into memory; WordDocument can be most of a 15 MB
    file, so for a normal (not mini) stream read its first sector straight from the file.
    """
    entry = next(kid for kid in document.root.kids if kid.name.lower() == name)
    if entry.size < document.minisectorcutoff:
        with document.openstream(entry.name) as stream:
            return stream.read(length)
    file.seek((entry.isectStart + 1) * document.sectorsize)
    return file.read(min(length, entry.size))
