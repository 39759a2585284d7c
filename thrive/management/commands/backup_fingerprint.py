"""Print a fingerprint of everything a backup must bring back: for every model of Thrive's own
apps, how many rows and a digest of their contents, and for every stored file (any FileField),
a digest of its bytes read back from storage. Two fingerprints are equal only if the database
and the files are both back as they were: the restore drill (deploy/backup/restore-drill)
compares one taken before the backup with one taken after the restore.

    python manage.py backup_fingerprint > before.json
"""

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand


def _project_models():
    """Models of Thrive's own apps (not of installed packages, even in a .venv inside)."""
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if root in path.parents and not path.relative_to(root).parts[0].startswith("."):
            yield from config.get_models()


def _row_digest(model) -> tuple[int, str]:
    fields = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in model._base_manager.order_by("pk").values_list(*fields).iterator():
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _stored_files(storage, folder: str = "") -> dict[str, str]:
    """Every file in the storage (the media folder or the bucket), with its sha256."""
    folders, files = storage.listdir(folder)
    found = {}
    for name in files:
        path = f"{folder}/{name}" if folder else name
        with storage.open(path, "rb") as stored:
            found[path] = hashlib.file_digest(stored, "sha256").hexdigest()
    for name in folders:
        found |= _stored_files(storage, f"{folder}/{name}" if folder else name)
    return found


def fingerprint() -> dict:
    tables = {}
    for model in _project_models():
        count, digest = _row_digest(model)
        tables[model._meta.label] = {"rows": count, "sha256": digest}
    try:
        files = _stored_files(default_storage)
    except FileNotFoundError:  # nothing uploaded yet: the media folder does not exist
        files = {}
    return {"tables": tables, "files": dict(sorted(files.items()))}


class Command(BaseCommand):
    help = "Print a JSON fingerprint of the database rows and stored files (restore drills)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))
