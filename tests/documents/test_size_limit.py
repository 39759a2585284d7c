import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from documents.fields import SafeFileField
from documents.uploads import OversizeUpload, UploadRefused, check_upload, refusals

from .conftest import stored_files
from .corpus import pdf
from .spy import SpyHandler


@pytest.fixture
def spied_handlers(settings, tmp_path):
    SpyHandler.received = []
    temp_dir = tmp_path / "uploading"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    settings.FILE_UPLOAD_HANDLERS = [
        "documents.uploads.UploadSizeLimitHandler",
        "tests.documents.spy.SpyHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    return temp_dir


@pytest.mark.urls("tests.documents.urls")
def test_file_over_the_limit_is_stopped_while_it_streams(
    client, media, small_limit, spied_handlers
):
    big = pdf() + b"%" * (4 * small_limit)  # 4 MiB, over FILE_UPLOAD_MAX_MEMORY_SIZE: a temp file

    response = client.post("/upload/", {"file": SimpleUploadedFile("big.pdf", big)})

    assert response.status_code == 400
    assert response.json()["errors"] == ["The selected file must be smaller than 1 MB"]
    # The handlers after ours saw no more than the limit of a 4 MiB file...
    assert SpyHandler.received == [pytest.approx(small_limit, abs=64 * 1024)]
    assert SpyHandler.received[0] <= small_limit
    # ...and the temporary file they had started was deleted there and then.
    assert response.json()["temp_files"] == []
    assert list(spied_handlers.iterdir()) == []
    assert stored_files(media) == []


@pytest.mark.urls("tests.documents.urls")
def test_file_at_the_limit_streams_through(client, media, small_limit, spied_handlers):
    content = pdf()
    content += b"%" * (small_limit - len(content))

    response = client.post("/upload/", {"file": SimpleUploadedFile("exact.pdf", content)})

    assert response.status_code == 200, response.content
    assert SpyHandler.received == [small_limit]
    [path] = stored_files(media)
    assert path.read_bytes() == content


def test_default_limit_is_15_mb_and_says_so(settings):
    assert settings.UPLOAD_MAX_BYTES == 15 * 1024 * 1024
    assert refusals.too_large() == "The selected file must be smaller than 15 MB"


def test_file_object_bigger_than_the_limit_is_refused_without_the_handler(small_limit):
    with pytest.raises(UploadRefused, match="smaller than 1 MB"):
        check_upload(SimpleUploadedFile("big.pdf", pdf() + b"%" * small_limit))


class _Form(forms.Form):
    file = SafeFileField(label="Upload a file")


def test_form_shows_the_size_error_on_the_field():
    oversize = OversizeUpload("big.pdf", "application/pdf", 16 * 1024 * 1024, None, {})

    form = _Form(data={}, files={"file": oversize})

    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 15 MB"]
    html = Template("{% govuk_field form.file %}").render(Context({"form": form}))
    assert "The selected file must be smaller than 15 MB" in html
    assert 'accept=".doc,.docx,.jpeg,.jpg,.pdf,.png,.xlsx"' in html


def test_form_asks_for_a_file_when_none_is_chosen():
    form = _Form(data={}, files={})

    assert not form.is_valid()
    assert form.errors["file"] == ["Select a file"]


def test_form_cleans_to_a_checked_upload():
    form = _Form(data={}, files={"file": SimpleUploadedFile("letter.pdf", pdf())})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].kind == "pdf"
