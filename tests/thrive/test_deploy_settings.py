import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "DATABASE_URL",
                "REDIS_URL",
                "DEBUG",
                "SECRET_KEY",
                "DJANGO_ALLOW_ASYNC_UNSAFE",
                "EMAIL_",
                "SITE_URL",
                "CLAMAV_",
                "THRIVE_ID_PREFIX",
                "CELERY_",
            )
        )
    }
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_check(
        DEBUG="false",
        SECRET_KEY="k" * 20 + "Production-Secret-Key-For-Check-0123456789abcdef",
        ALLOWED_HOSTS="thrive.example.org",
        DATABASE_URL="postgres://thrive@db.invalid:5432/thrive",
        REDIS_URL="redis://cache.invalid:6379/0",
        EMAIL_HOST="smtp.example.org",
        SITE_URL="https://thrive.example.org",
        CLAMAV_HOST="clamav",
        THRIVE_ID_PREFIX="EX",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="false", ALLOWED_HOSTS="thrive.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_a_mail_server_fails_the_deploy_check():
    result = run_check(
        DEBUG="false",
        SECRET_KEY="k" * 20 + "Production-Secret-Key-For-Check-0123456789abcdef",
        ALLOWED_HOSTS="thrive.example.org",
    )

    assert result.returncode != 0
    assert "development-only email backend" in result.stdout + result.stderr
