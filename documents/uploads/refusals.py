"""Why an upload was refused, in words the person uploading can act on.

Every refusal names the problem plainly (GOV.UK's "The selected file ..." pattern) and, where
there is one, what to do instead. The short `code` is for logs and audit notes: it never holds
the file's name or content.
"""

from django.conf import settings

NOT_ALLOWED = "not a Word, PDF, Excel, JPG or PNG file"

EMPTY = "The selected file is empty"
NAME_NOT_ALLOWED = (
    "The name of the selected file contains characters that are not allowed. "
    "Rename the file and upload it again"
)
NO_EXTENSION = (
    "The name of the selected file must end in .doc, .docx, .pdf, .xlsx, .jpg, .jpeg or .png"
)
WRONG_TYPE = "The selected file must be a Word document, PDF, Excel spreadsheet, JPG or PNG"
EXECUTABLE = f"The selected file is an executable program, {NOT_ALLOWED}"
SCRIPT = f"The selected file is a script, {NOT_ALLOWED}"
HTML = f"The selected file is a web page (HTML), {NOT_ALLOWED}"
SVG = (
    "The selected file is an SVG image, which can contain scripts. "
    "Save it as a PNG or JPG and upload that"
)
ARCHIVE = (
    f"The selected file is a compressed archive (such as a zip file), {NOT_ALLOWED}. "
    "Upload the files inside it one at a time"
)
TEXT = f"The selected file is a plain text file, {NOT_ALLOWED}"
OLD_EXCEL = (
    "The selected file is an old-style Excel workbook (.xls). "
    "Save it as an Excel workbook (.xlsx) and upload that"
)
POWERPOINT = (
    f"The selected file is a PowerPoint presentation, {NOT_ALLOWED}. "
    "Save it as a PDF and upload that"
)
RTF = (
    "The selected file is a Rich Text Format (RTF) document. "
    "Save it as a Word document (.docx) and upload that"
)
OPEN_DOCUMENT = (
    "The selected file is an OpenDocument file (from LibreOffice or similar). "
    "Save it as a Word document (.docx) or Excel workbook (.xlsx) and upload that"
)
MACROS = (
    "The selected file contains macros. "
    "Save a copy without macros, as a .docx or .xlsx file, and upload that"
)
PASSWORD = "The selected file is password-protected. Remove the password and upload it again"
TOO_MANY_PARTS = "The selected file has too many parts inside it to be checked safely"
EXPANDS = "The selected file expands to an unsafe size when it is opened (it may be a zip bomb)"
HIDDEN_CODE = "The selected file has web page or script code hidden inside it"
HIDDEN_CONTENT = "The selected file has another file or extra data hidden at its end"
HIDDEN_PDF = "The selected file has a PDF hidden inside it"
HIDDEN_ARCHIVE = "The selected file has a zip archive hidden inside it"
HIDDEN_PROGRAM = "The selected file has a program or another packaged file hidden inside it"
EXTERNAL_CONTENT = (
    "The selected file loads content from another place when it is opened, such as a "
    "template on the internet. Save a copy without links to other files and upload that"
)
PDF_JAVASCRIPT = (
    "The selected PDF contains JavaScript. Print or save it as a new PDF and upload that"
)
PDF_LAUNCH = (
    "The selected PDF contains an action that opens another program. "
    "Print or save it as a new PDF and upload that"
)
PDF_XFA = (
    "The selected PDF is an XFA form, which can run code when it is opened. "
    "Print or save it as a new PDF and upload that"
)
PDF_ACTIONS = (
    "The selected PDF contains actions that run by themselves, send the form somewhere or "
    "open other files. Print or save it as a new PDF and upload that"
)
PDF_EMBEDDED = (
    "The selected PDF has other files attached inside it. "
    "Upload a copy of the PDF without the attachments, and the attached files separately"
)
PDF_UNCHECKABLE = (
    "The selected PDF is built in a way that cannot be checked safely. "
    "Print or save it as a new PDF and upload that"
)
VIRUS = "The selected file contains a virus"
SCANNER_UNAVAILABLE = (
    "The selected file cannot be checked for viruses at the moment. Try again later"
)

# How each allowed kind of file is named in messages, and the extension it should have.
KIND_LABELS = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "doc": "a Word document",
    "xlsx": "an Excel spreadsheet",
    "jpeg": "a JPG image",
    "png": "a PNG image",
}


def too_large() -> str:
    return f"The selected file must be smaller than {_megabytes(settings.UPLOAD_MAX_BYTES)} MB"


def damaged(label: str = "a Word, PDF, Excel, JPG or PNG file") -> str:
    return f"The selected file is damaged and cannot be opened as {label}"


def other_image(name: str) -> str:
    return f"The selected file is a {name} image. Save it as a JPG or PNG and upload that"


def image_too_big(megapixels: int) -> str:
    return f"The selected image must be smaller than {megapixels} megapixels"


def wrong_extension(label: str, extension: str, expected: str) -> str:
    return (
        f"The selected file is {label}, but its name ends in {extension}. "
        f"Rename it to end in {expected} and upload it again"
    )


def _megabytes(size: int) -> str:
    # 15 MiB reads as "15 MB" to people; show a decimal only when the limit is not whole.
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


# For uploads that take no spreadsheets (the portal's Supporting Documentation): the same
# refusals, naming only what is taken there.
_WITHOUT_EXCEL = {
    NOT_ALLOWED: "not a Word, PDF, JPG or PNG file",
    WRONG_TYPE: "The selected file must be a Word document, PDF, JPG or PNG",
    NO_EXTENSION: (
        "The name of the selected file must end in .doc, .docx, .pdf, .jpg, .jpeg or .png"
    ),
    OLD_EXCEL: (
        "The selected file is an Excel workbook (.xls), and spreadsheets cannot be attached "
        "here. Save it as a PDF and upload that"
    ),
    OPEN_DOCUMENT: (
        "The selected file is an OpenDocument file (from LibreOffice or similar). "
        "Save it as a Word document (.docx) or a PDF and upload that"
    ),
    MACROS: (
        "The selected file contains macros. "
        "Save a copy without macros, as a .docx file, and upload that"
    ),
    damaged(): damaged("a Word, PDF, JPG or PNG file"),
    damaged("a Word document or Excel spreadsheet"): damaged("a Word document"),
}


def without_excel(message: str) -> str:
    """`message` reworded for an upload that takes Word, PDF, JPG and PNG only."""
    if message in _WITHOUT_EXCEL:
        return _WITHOUT_EXCEL[message]
    return message.replace(NOT_ALLOWED, _WITHOUT_EXCEL[NOT_ALLOWED])


class UploadRefused(Exception):
    """An upload that must not be stored. `message` is shown to the user as it is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
