import io
import tarfile

import pytest
from django.urls import reverse

from thrive.source import source_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_archive():
    source_archive.cache_clear()
    yield
    source_archive.cache_clear()


def test_every_page_links_to_the_source_in_its_footer(client, settings):
    settings.SOURCE_URL = ""

    page = client.get(reverse("account_login")).content.decode()

    assert f'href="{reverse("source")}">Source code</a>' in page


def test_a_council_can_point_the_source_link_at_its_own_repository(client, settings):
    settings.SOURCE_URL = "https://git.example.org/council/thrive"

    page = client.get(reverse("account_login")).content.decode()

    assert 'href="https://git.example.org/council/thrive">Source code</a>' in page


def test_the_source_download_holds_the_running_code_and_licence_but_no_configuration(
    client, settings, tmp_path
):
    (tmp_path / "LICENSE").write_text("GNU AFFERO GENERAL PUBLIC LICENSE")
    (tmp_path / ".env").write_text("SECRET_KEY=do-not-serve")
    (tmp_path / "thrive.sqlite3").write_bytes(b"children's data")
    (tmp_path / "thrive").mkdir()
    (tmp_path / "thrive" / "settings.py").write_text("DEBUG = False\n")
    (tmp_path / "thrive" / "__pycache__").mkdir()
    (tmp_path / "thrive" / "__pycache__" / "settings.cpython-312.pyc").write_bytes(b"x")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "report.pdf").write_bytes(b"%PDF")
    settings.BASE_DIR = tmp_path

    response = client.get(reverse("source"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
        names = archive.getnames()
    assert names == ["thrive/LICENSE", "thrive/thrive/settings.py"]


def test_the_licence_is_the_full_agpl_text():
    from django.conf import settings

    text = (settings.BASE_DIR / "LICENSE").read_text()

    assert text.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert "END OF TERMS AND CONDITIONS" in text
