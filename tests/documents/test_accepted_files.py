import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import check_upload

from .conftest import stored_files
from .corpus import GOOD_FILES

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@pytest.mark.parametrize("good", GOOD_FILES, ids=lambda good: good.id)
def test_good_file_is_accepted_as_its_kind(good):
    checked = check_upload(SimpleUploadedFile(good.name, good.build()))

    assert checked.kind == good.kind
    assert checked.extension == good.extension
    assert checked.content_type == CONTENT_TYPES[good.extension]
    assert checked.safe_name.endswith(good.extension)
    assert checked.virus_scanned is False


@pytest.mark.parametrize("good", [g for g in GOOD_FILES if g.kind != "image"], ids=lambda g: g.id)
def test_sha256_and_size_are_those_of_the_uploaded_bytes(good):
    content = good.build()

    checked = check_upload(SimpleUploadedFile(good.name, content))

    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)
    assert checked.open().read() == content


def test_picture_sha256_is_that_of_the_stored_bytes_and_repeatable():
    good = next(g for g in GOOD_FILES if g.id == "jpeg-exif")
    content = good.build()

    first = check_upload(SimpleUploadedFile(good.name, content))
    second = check_upload(SimpleUploadedFile("copy.jpg", content))

    stored = first.open().read()
    assert first.sha256 == hashlib.sha256(stored).hexdigest() == second.sha256
    assert first.size == len(stored) < len(content)


@pytest.mark.urls("tests.documents.urls")
@pytest.mark.parametrize("good", GOOD_FILES[:4], ids=lambda good: good.id)
def test_good_file_uploaded_through_a_form_is_stored_under_a_random_name(client, media, good):
    content = good.build()

    response = client.post("/upload/", {"file": SimpleUploadedFile(good.name, content)})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == good.kind
    [path] = stored_files(media)
    assert path.relative_to(media).as_posix() == body["stored"]
    assert body["stored"].startswith("tests/")
    assert good.name.split(".")[0] not in body["stored"]
    assert path.read_bytes() == content
