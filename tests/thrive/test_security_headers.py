"""What the browser is told to protect: the Content Security Policy, the cookie names over
HTTPS, and Thrive's own page when a form's CSRF check fails."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from thrive.models import Role

from ..factories import PASSWORD, person

ROOT = Path(__file__).resolve().parents[2]


def production_setting(*names: str) -> list[str]:
    """The values production settings (DEBUG off, so HTTPS) give these names."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'thrive.settings');"
        "from django.conf import settings;"
        f"print('\\n'.join(str(getattr(settings, n)) for n in {list(names)!r}))"
    )
    env = {"DEBUG": "false", "SECRET_KEY": "s" * 60, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_csp_lets_no_page_change_its_base_url(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]

    assert "base-uri 'none'" in policy


def test_cookies_carry_the_host_prefix_over_https():
    assert production_setting("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME") == [
        "__Host-thrive-session",
        "__Host-thrive-csrf",
    ]


def test_host_prefixed_cookies_are_set_secure_for_the_whole_site(client, db, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = (
        "__Host-thrive-session",
        "__Host-thrive-csrf",
    )
    someone = person(Role.SERVICE_WORKER)
    client.get(reverse("account_login"), secure=True)

    client.post(
        reverse("account_login"),
        {"login": someone.username, "password": PASSWORD},
        secure=True,
    )

    for name in ("__Host-thrive-session", "__Host-thrive-csrf"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_failed_csrf_check_shows_thrives_own_page_saying_what_to_do(strict_client, db):
    response = strict_client.post(reverse("account_login"), {"login": "x", "password": "y"})

    assert response.status_code == 403
    assert "Your form was not sent" in response.text
    assert "Reload the page" in response.text
    assert "govuk-heading-xl" in response.text
    assert response["X-Request-ID"] in response.text
