"""The source of the running Thrive, for the footer's Source link (AGPL-3.0 section 13).

A council that changes Thrive must offer its users the changed source. By default the link
serves the code this very process runs, so the offer stays true without anyone publishing a
repository; SOURCE_URL points the link elsewhere (the council's own repository) instead.

Only the project's own files are packed, named by an allow-list: never `.env`, the database,
uploaded files, installed packages or build output.
"""

import functools
import io
import tarfile
from pathlib import Path

from django.conf import settings

# Top-level files and folders that make up the source (what a fresh clone holds).
SOURCE_FILES = (
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "Makefile",
    "Dockerfile",
    "docker-compose.yml",
    ".dockerignore",
    ".env.example",
    "manage.py",
    "pyproject.toml",
    "uv.lock",
    "package.json",
    "package-lock.json",
)
SOURCE_FOLDERS = (
    ".ci",
    "bench",
    "cases",
    "continuity",
    "deploy",
    "docs",
    "documents",
    "frontend",
    "portal",
    "selfservice",
    "static",
    "templates",
    "tests",
    "thrive",
)
# Inside those folders: generated, installed or private files that are not source.
SKIPPED_PARTS = {"__pycache__", "build", "node_modules"}
SKIPPED_SUFFIXES = {".pyc", ".sqlite3"}


def source_paths(root: Path) -> list[Path]:
    """The files packed, relative to root, in a stable order."""
    found = [root / name for name in SOURCE_FILES if (root / name).is_file()]
    for folder in SOURCE_FOLDERS:
        if (root / folder).is_dir():
            found += [p for p in (root / folder).rglob("*") if p.is_file()]
    return sorted(
        p.relative_to(root)
        for p in found
        if not SKIPPED_PARTS.intersection(p.relative_to(root).parts)
        and p.suffix not in SKIPPED_SUFFIXES
        and not p.name.startswith(".env.")
        and p.name != ".env"
    )


@functools.cache
def source_archive() -> bytes:
    """A gzipped tar of the running source, built once per process (the code cannot change
    under a running process)."""
    root = Path(settings.BASE_DIR)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for relative in source_paths(root):
            archive.add(root / relative, arcname=f"thrive/{relative}", recursive=False)
    return buffer.getvalue()
