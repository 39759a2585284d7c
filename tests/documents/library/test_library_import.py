from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from documents.models import Document
from thrive.models import AuditEvent

from ...factories import make_case
from ..corpus import docx, pdf
from .conftest import other_pdf


@pytest.fixture
def test19(ashford):
    case = make_case(ashford)
    case.thrive_id = "TEST19"
    case.save()
    return case


def _run(folder, *args):
    out = StringIO()
    call_command("import_documents", str(folder), *args, stdout=out)
    return out.getvalue()


def test_import_links_by_the_thrive_id_in_the_name_and_keeps_names(
    tmp_path, ashford, test19, manager
):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "TEST19-020316-BFprogresslog.docx").write_bytes(docx())
    (folder / "test 19-140416-SFdummy.pdf").write_bytes(pdf())
    (folder / "TEST2-020216-CMprogresslog.pdf").write_bytes(other_pdf())
    (folder / "holiday form.pdf").write_bytes(other_pdf(b"holiday"))
    (folder / "setup.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 300)

    output = _run(folder, "--service", ashford.name, "--uploader", manager.username)

    linked = set(test19.documents.values_list("name", flat=True))
    assert linked == {"TEST19-020316-BFprogresslog.docx", "test 19-140416-SFdummy.pdf"}
    unlinked = set(Document.objects.filter(case=None).values_list("name", flat=True))
    assert unlinked == {"TEST2-020216-CMprogresslog.pdf", "holiday form.pdf"}
    assert set(Document.objects.values_list("created_by", flat=True)) == {manager.pk}
    assert "Imported 4 of 5 files" in output
    assert "2 linked to a case, 2 in Documents with No Thrive ID, 1 refused" in output
    assert "Not imported: setup.exe:" in output
    assert (
        AuditEvent.objects.filter(action="document_uploaded", note__startswith="imported").count()
        == 4
    )


def test_import_twice_adds_nothing_the_second_time(tmp_path, ashford, test19):
    (tmp_path / "TEST19-020316-BFprogresslog.docx").write_bytes(docx())
    _run(tmp_path, "--service", ashford.name)

    output = _run(tmp_path, "--service", ashford.name)

    assert Document.objects.count() == 1
    assert "1 already there" in output


def test_a_case_of_another_service_is_not_linked(tmp_path, ashford, canterbury):
    other = make_case(canterbury)
    (tmp_path / f"{other.thrive_id}-020316-Plan.pdf").write_bytes(pdf())

    _run(tmp_path, "--service", ashford.name)

    document = Document.objects.get()
    assert document.case is None
    assert document.service == ashford


def test_an_unknown_service_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="no service called"):
        _run(tmp_path, "--service", "Nowhere")


def test_the_progress_bar_draws_on_a_terminal():
    from documents.management.commands.import_documents import Progress

    class Terminal(StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(2, stream=stream, width=4)
    progress.step("a.pdf")
    progress.step("b.pdf")

    assert "[##--] 1/2 a.pdf" in stream.getvalue()
    assert stream.getvalue().rstrip().endswith("b.pdf")
