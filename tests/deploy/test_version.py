"""One version everywhere: the image, compose, the Kubernetes example and the changelog's
newest release all name the version `pyproject.toml` sets, so a tag builds what it says."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _found(path: str, pattern: str) -> str:
    match = re.search(pattern, (ROOT / path).read_text(), re.M)
    assert match, f"{path} names no version ({pattern})"
    return match.group(1)


def test_the_image_compose_and_kubernetes_carry_the_project_version():
    assert _found("Dockerfile", r"^ARG THRIVE_VERSION=(\S+)$") == VERSION
    assert set(
        re.findall(r"thrive:(\d+\.\d+\.\d+)", (ROOT / "docker-compose.yml").read_text())
    ) == {VERSION}
    assert _found("deploy/kubernetes/example/kustomization.yaml", r"newTag: (\S+)") == VERSION


def test_the_changelog_newest_release_is_the_project_version():
    assert _found("CHANGELOG.md", r"^## (\d+\.\d+\.\d+) — ") == VERSION
