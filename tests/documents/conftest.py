import pytest

from .corpus import TEST_LIMIT


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    """Scanning is off unless a test switches it on (the tests' own fake clamd)."""
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""


@pytest.fixture
def small_limit(settings):
    """A 1 MiB upload limit, so that "too large" needs no 15 MB buffers."""
    settings.UPLOAD_MAX_BYTES = TEST_LIMIT
    return TEST_LIMIT


@pytest.fixture
def media(settings, tmp_path):
    """Default storage in a fresh folder; returns the folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())
