import re

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from moto import mock_aws

from documents.uploads import check_upload, store_checked_upload

from .conftest import stored_files
from .corpus import jpeg, pdf

RANDOM_NAME = re.compile(r"case-documents/\d{4}/\d{2}/[0-9a-f]{32}")
BUCKET = "thrive-test-documents"


def test_stored_under_a_random_name_in_a_dated_folder(media):
    checked = check_upload(SimpleUploadedFile("Child A referral.pdf", pdf()))

    name = store_checked_upload(checked, prefix="case-documents")

    assert RANDOM_NAME.fullmatch(name)
    assert name.startswith(f"case-documents/{timezone.now():%Y/%m}/")
    assert (media / name).read_bytes() == pdf()


def test_the_same_file_stored_twice_gets_two_names(media):
    checked = check_upload(SimpleUploadedFile("letter.pdf", pdf()))

    first = store_checked_upload(checked, prefix="case-documents")
    second = store_checked_upload(checked, prefix="case-documents")

    assert first != second
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize("prefix", ["", "../etc", "/absolute", "Case Documents", "a//b", "a/../b"])
def test_prefix_must_be_plain_words(media, prefix):
    checked = check_upload(SimpleUploadedFile("letter.pdf", pdf()))

    with pytest.raises(ValueError, match="Storage prefix"):
        store_checked_upload(checked, prefix=prefix)


@pytest.fixture
def s3(settings, monkeypatch):
    """S3 through django-storages, as thrive/settings.py configures it, against moto."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "eu-west-2",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
        yield client


def test_stored_privately_in_s3_with_the_detected_content_type(s3):
    checked = check_upload(SimpleUploadedFile("Child A photo.jpg", jpeg(gps=True)))

    name = store_checked_upload(checked, prefix="case-documents")

    assert RANDOM_NAME.fullmatch(name)
    stored = s3.get_object(Bucket=BUCKET, Key=name)
    assert stored["Body"].read() == checked.open().read()  # the metadata-free picture
    assert stored["ContentType"] == "image/jpeg"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"  # the owner; no AllUsers grant


def test_content_type_claimed_by_the_browser_is_not_stored(s3):
    upload = SimpleUploadedFile("letter.pdf", pdf(), content_type="text/html")

    name = store_checked_upload(check_upload(upload), prefix="portal")

    assert s3.head_object(Bucket=BUCKET, Key=name)["ContentType"] == "application/pdf"
