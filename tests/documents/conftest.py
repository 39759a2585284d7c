import pytest

from .corpus import TEST_LIMIT


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    """Scanning is off unless a test switches it on (the tests' own fake clamd)."""
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""


@pytest.fixture(autouse=True)
def _not_read_only_without_a_database(request, _clear_cache):
    """The upload tests on the bare test URLs (tests/documents/urls.py) run without a
    database; tell the read-only mode middleware, which asks on every request, that Thrive
    is not read-only, as its cache would."""
    marker = request.node.get_closest_marker("urls")
    if marker and marker.args == ("tests.documents.urls",):
        from django.core.cache import cache

        from continuity.readonly import CACHE_KEY, NOT_IN_FORCE

        cache.set(CACHE_KEY, NOT_IN_FORCE)


@pytest.fixture
def small_limit(settings):
    """A 1 MiB upload limit, so that "too large" needs no 15 MB buffers."""
    settings.UPLOAD_MAX_BYTES = TEST_LIMIT
    return TEST_LIMIT


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())
