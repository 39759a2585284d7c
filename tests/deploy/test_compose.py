"""docker-compose.yml, checked without a Docker engine: valid against the Compose
Specification's schema, every setting in .env reaches every Thrive container and is the one
Django uses, migrations run once as a job, and every image is pinned."""

import json
import re
from importlib import resources

import jsonschema
import pytest

from ..processes import run_python
from .compose import ROOT, MissingVariable, container_environment, interpolate, load

THRIVE_SERVICES = ["migrate", "web", "worker", "scheduler"]
REQUIRED = {
    "POSTGRES_PASSWORD": "ci0placeholder0password",
    "S3_ADMIN_ACCESS_KEY": "admin",
    "S3_ADMIN_SECRET_KEY": "admin-secret-placeholder",
    "STORAGE_SECRET_KEY": "app-secret-placeholder",
}


@pytest.fixture
def env_file(tmp_path):
    """A council's .env: the required values, and settings of their own."""
    path = tmp_path / ".env"
    lines = {
        **REQUIRED,
        "SECRET_KEY": "c" * 60,
        "ALLOWED_HOSTS": "thrive.council.example",
        "SITE_URL": "https://thrive.council.example",
        "EMAIL_HOST": "smtp.council.example",
        "THRIVE_ID_PREFIX": "CC",
        "PORTAL_CODE_MINUTES": "7",
        "PASSWORD_EXPIRY_DAYS": "90",
    }
    path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
    return path


def interpolated(value, values):
    if isinstance(value, str):
        return interpolate(value, values)
    if isinstance(value, dict):
        return {k: interpolated(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolated(v, values) for v in value]
    return value


def test_the_compose_file_is_valid_against_the_compose_specification():
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    compose = interpolated(load(), REQUIRED)

    jsonschema.validate(compose, schema)


@pytest.mark.parametrize("variable", sorted(REQUIRED))
def test_compose_stops_at_once_when_a_required_value_is_missing(variable):
    values = {k: v for k, v in REQUIRED.items() if k != variable}

    with pytest.raises(MissingVariable, match=variable):
        interpolated(load(), values)


@pytest.mark.parametrize("service", THRIVE_SERVICES)
def test_every_thrive_container_gets_the_whole_env_file(service, env_file):
    environment = container_environment(service, env_file)

    assert environment["THRIVE_ID_PREFIX"] == "CC"
    assert environment["PORTAL_CODE_MINUTES"] == "7"
    assert environment["DEBUG"] == "false"
    assert (
        environment["DATABASE_URL"]
        == "postgres://thrive:ci0placeholder0password@postgres:5432/thrive"
    )


@pytest.mark.parametrize("service", THRIVE_SERVICES)
def test_the_storage_administrators_key_stays_out_of_thrive_containers(service, env_file):
    environment = container_environment(service, env_file)

    assert environment["S3_ADMIN_SECRET_KEY"] == ""
    assert environment["POSTGRES_PASSWORD"] == ""


def test_a_setting_in_the_env_file_is_the_one_django_uses_in_the_web_container(env_file):
    environment = container_environment("web", env_file)
    program = (
        "from django.conf import settings as s; "
        "print(s.THRIVE_ID_PREFIX, s.PORTAL_CODE_MINUTES, s.PASSWORD_EXPIRY_DAYS, s.DEBUG, "
        "s.CLAMAV_HOST, s.STORAGES['default']['OPTIONS']['endpoint_url'], s.SITE_URL, "
        "s.CACHES['default']['LOCATION'])"
    )

    output = run_python(program, environment)

    assert output.split() == [
        "CC",
        "7",
        "90",
        "False",
        "clamav",
        "http://seaweedfs:8333",
        "https://thrive.council.example",
        "redis://valkey:6379/0",
    ]


def test_a_council_can_use_its_own_s3_and_database_from_the_env_file(env_file):
    with env_file.open("a") as f:
        f.write("STORAGE_ENDPOINT_URL=https://s3.eu-west-2.amazonaws.com\n")
        f.write("DATABASE_URL=postgres://thrive:pw@db.council.example:5432/thrive\n")

    environment = container_environment("web", env_file)

    assert environment["STORAGE_ENDPOINT_URL"] == "https://s3.eu-west-2.amazonaws.com"
    assert environment["DATABASE_URL"] == "postgres://thrive:pw@db.council.example:5432/thrive"


def test_migrations_run_once_as_a_job_before_web_worker_and_scheduler():
    services = load()["services"]

    assert "migrate" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in json.dumps(services[name].get("command", ""))


def test_thrive_containers_can_run_with_a_read_only_root_filesystem():
    services = load()["services"]

    for name in THRIVE_SERVICES:
        assert services[name]["read_only"] is True
        assert services[name]["tmpfs"] == ["/tmp"]


def test_every_image_is_pinned_to_a_version_and_none_is_redis_or_minio():
    images = [interpolate(s["image"], {}) for s in load()["services"].values()]

    for image in images:
        name, _, tag = image.rpartition(":")
        assert name and re.fullmatch(r"\d+(\.\d+)*(-[a-z0-9]+)?", tag), image
    assert not [i for i in images if i.startswith(("redis", "minio"))]


def test_the_scheduler_is_single_active_through_redbeat():
    command = load()["services"]["scheduler"]["command"]

    assert command[-2:] == ["-S", "thrive.beat.TolerantRedBeatScheduler"]


def test_the_virus_scanner_has_a_health_check_that_the_app_waits_for():
    services = load()["services"]

    assert services["clamav"]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["clamav"] == {"condition": "service_healthy"}


def test_the_image_builds_on_a_supported_node_lts_and_runs_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    node = re.search(r"^FROM node:(\d+)", dockerfile, re.M)
    assert node and int(node.group(1)) >= 24 and int(node.group(1)) % 2 == 0
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert "collectstatic --noinput" in dockerfile
