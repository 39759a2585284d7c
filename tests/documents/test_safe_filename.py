import pytest

from documents.uploads import safe_filename
from documents.uploads.names import MAX_NAME_LENGTH


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Visit notes.docx", "Visit notes.docx"),
        ("Report.PDF", "Report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\Users\\sam\\Desktop\\plan.docx", "plan.docx"),
        ("report.pdf\x00.exe", "report.pdf.exe"),
        ("line\nbreak\ttab.pdf", "linebreaktab.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        (".htaccess", "htaccess"),
        ("...hidden.pdf", "hidden.pdf"),
        ("trailing dots...", "trailing dots"),
        ("  spaced    out  .pdf ", "spaced out.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1.txt.docx", "_lpt1.txt.docx"),
        ("", "file"),
        ("..", "file"),
        (".pdf", "pdf"),
        ("Cafe\u0301 notes.pdf", "Café notes.pdf"),  # composed to one character
        ("archive.tar.gz", "archive.tar.gz"),
        ("weird.ext!!", "weird.ext!!"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_takes_the_detected_extension():
    assert safe_filename("scan.pdf", extension=".png") == "scan.png"
    assert safe_filename("scan", extension="jpg") == "scan.jpg"


def test_long_name_is_shortened_keeping_its_extension():
    name = safe_filename("x" * 500 + ".docx")

    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith("x.docx")
