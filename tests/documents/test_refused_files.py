import io

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import UploadRefused, check_upload

from .conftest import stored_files
from .corpus import BAD_FILES

pytestmark = pytest.mark.usefixtures("small_limit")


def test_corpus_has_at_least_forty_bad_files():
    assert len(BAD_FILES) >= 40
    assert len({bad.id for bad in BAD_FILES}) == len(BAD_FILES)


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.id)
def test_bad_file_is_refused_saying_why(bad):
    # UploadedFile keeps only the last part of a name; a plain File keeps it all, as a file
    # from another source (an email, an import) might.
    upload = File(io.BytesIO(bad.build()), name=bad.name)

    with pytest.raises(UploadRefused) as refused:
        check_upload(upload)

    assert refused.value.message == bad.expected_message()
    assert refused.value.code == bad.code


# Names with paths or control characters never arrive over HTTP: Django's parser strips them.
OVER_HTTP = [bad for bad in BAD_FILES if not bad.id.startswith("name-")]


@pytest.mark.urls("tests.documents.urls")
@pytest.mark.parametrize("bad", OVER_HTTP, ids=lambda bad: bad.id)
def test_bad_file_uploaded_through_a_form_is_not_stored(client, media, bad):
    response = client.post("/upload/", {"file": SimpleUploadedFile(bad.name, bad.build())})

    assert response.status_code == 400
    assert response.json()["errors"] == [bad.expected_message()]
    assert stored_files(media) == []
