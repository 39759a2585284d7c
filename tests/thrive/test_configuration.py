"""docs/configuration.md and thrive/settings.py cannot drift: every variable the settings read
is in the table with the default they use, and the table lists nothing they do not read.
Secrets can come from files (`SECRET_KEY_FILE`)."""

import json
import os
import re

import pytest

from ..processes import ROOT, run_python

ROW = re.compile(r"^\| `(?P<name>[A-Z0-9_]+)` \| (?P<default>[^|]*) \|")

# Environments that, between them, reach every branch of the settings: the embedded defaults,
# and production with PostgreSQL, SMTP, a bucket and error reporting switched on.
EMBEDDED = {}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "s" * 60,
    "DATABASE_URL": "postgres://thrive@db.invalid:5432/thrive",
    "EMAIL_HOST": "smtp.example.org",
    "STORAGE_BUCKET_NAME": "thrive-documents",
    "SENTRY_DSN": "https://key@errors.example.org/1",
}

READ_SETTINGS = """
import json, os
from thrive import settings
print(json.dumps({k: v for k, v in settings.env.defaults.items()}, default=str))
"""


def settings_read(overrides: dict) -> dict:
    """The variables thrive/settings.py reads, and their defaults, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG")}
    return json.loads(run_python(READ_SETTINGS, {**env, **overrides}))


def documented() -> dict:
    text = (ROOT / "docs" / "configuration.md").read_text()
    section = text.split("## Thrive's variables", 1)[1].split("\n## ", 1)[0]
    return {
        m["name"]: m["default"].strip() for line in section.splitlines() if (m := ROW.match(line))
    }


@pytest.fixture(scope="module")
def embedded():
    return settings_read(EMBEDDED)


@pytest.fixture(scope="module")
def every_variable(embedded):
    return set(embedded) | set(settings_read(PRODUCTION))


def as_written(default) -> str:
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, list):
        return ",".join(str(item) for item in default)
    return str(default)


def test_every_variable_the_settings_read_is_documented(every_variable):
    missing = every_variable - set(documented())

    assert not missing, f"Add to docs/configuration.md's table: {sorted(missing)}"


def test_every_documented_variable_is_read_by_the_settings(every_variable):
    unread = set(documented()) - every_variable

    assert not unread, f"Listed in docs/configuration.md but never read: {sorted(unread)}"


def test_documented_defaults_are_the_defaults_the_settings_use(embedded):
    wrong = {}
    for name, cell in documented().items():
        default = embedded.get(name)
        if name not in embedded or str(ROOT) in str(default):
            continue  # read only in production, or a path on this machine
        if cell.startswith("`"):
            written = cell.split("`")[1]
            if written != as_written(default):
                wrong[name] = (written, as_written(default))
        elif cell.startswith(("empty", "*(empty")) and default not in ("", []):
            wrong[name] = (cell, as_written(default))

    assert not wrong, f"docs/configuration.md default (written, actual): {wrong}"


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-mounted-secret-" + "x" * 40 + "\n")
    program = "from thrive import settings; print(repr(settings.SECRET_KEY))"

    output = run_python(program, {"DEBUG": "false", "SECRET_KEY_FILE": str(secret)})

    assert output.strip() == repr("from-a-mounted-secret-" + "x" * 40)


def test_behind_pgbouncer_django_keeps_no_connections_and_no_server_side_cursors():
    program = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    env = {
        "DATABASE_URL": "postgres://thrive@pgbouncer.invalid:6432/thrive",
        "DATABASE_CONN_MAX_AGE": "0",
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "true",
    }

    assert run_python(program, env).split() == ["0", "True"]


def test_env_example_shows_every_documented_variable():
    example = (ROOT / ".env.example").read_text()

    missing = [n for n in documented() if not re.search(rf"^#?{n}=", example, re.MULTILINE)]

    assert not missing, f"Add to .env.example (commented, with its default): {missing}"
