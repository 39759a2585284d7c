from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import check_upload
from thrive.models import District, Role

from ...factories import ServiceFactory, make_case, person
from ..corpus import docx, jpeg, pdf


@pytest.fixture(autouse=True)
def _files(media):
    """Every library test stores into a fresh folder."""
    return media


@pytest.fixture
def ashford(db):
    return ServiceFactory(name="Family Matters Ashford", district=District.ASHFORD)


@pytest.fixture
def canterbury(db):
    return ServiceFactory(name="Young Lives Canterbury", district=District.CANTERBURY)


@pytest.fixture
def officer(ashford):
    return person(Role.EHPS_OFFICER, district=District.ASHFORD)


@pytest.fixture
def manager(ashford):
    return person(Role.SERVICE_MANAGER, service=ashford, full_name="Maya Green")


@pytest.fixture
def worker(ashford):
    return person(Role.SERVICE_WORKER, service=ashford, full_name="Will Kerr")


@pytest.fixture
def other_worker(ashford):
    return person(Role.SERVICE_WORKER, service=ashford, full_name="Wendy Roberts")


@pytest.fixture
def other_manager(canterbury):
    return person(Role.SERVICE_MANAGER, service=canterbury)


def _open(case, worker):
    case.status = "open"
    case.progressing = "yes"
    case.response_date = date(2026, 11, 3)
    case.worker = worker
    case.save()
    return case


@pytest.fixture
def case(ashford, officer, worker):
    return _open(make_case(ashford, referred_by=officer, family_names="Flowerpot"), worker)


@pytest.fixture
def second_case(ashford, officer, worker):
    return _open(make_case(ashford, referred_by=officer, family_names="Marshall"), worker)


@pytest.fixture
def foreign_case(canterbury):
    return make_case(canterbury)


def checked(name="Family plan.pdf", content=None):
    """A file as SafeFileField would hand it over."""
    if content is None:
        content = {".pdf": pdf, ".docx": docx, ".jpg": jpeg}[name[name.rfind(".") :]]()
    return check_upload(SimpleUploadedFile(name, content))


def other_pdf(text: bytes = b"Another letter") -> bytes:
    from ..corpus import _stream

    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"BT (" + text + b") Tj ET"),
    )
