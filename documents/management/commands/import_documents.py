"""Bulk import of an existing document library from a folder.

    manage.py import_documents FOLDER --service "Family Matters Ashford" [--uploader mgr01]

Each file goes through the same checks as an upload (check_upload). Files named by the
convention (`TEST19-020316-BFprogresslog.docx`) are linked to the case with that Thrive ID
when the service has it; the rest go to Documents with No Thrive ID for a manager to link.
Imported documents keep their names. Refused files are listed with the reason."""

import sys
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from documents import services
from documents.naming import thrive_id_in
from documents.uploads import UploadRefused, check_upload, safe_filename
from thrive.models import Service, User


class Progress:
    """A one-line progress bar on stderr (only when it is a terminal)."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, label: str = "") -> None:
        self.done += 1
        if not self.live:
            return
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[:40]:<40}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a folder of documents into a service's document library."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--service", required=True, help="The service's name, exactly")
        parser.add_argument(
            "--uploader", help="Username recorded as the uploader (default: none, 'Imported')"
        )

    def handle(self, folder: Path, service: str, uploader: str | None = None, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        try:
            service_obj = Service.objects.get(name=service)
        except Service.DoesNotExist:
            raise CommandError(f"There is no service called “{service}”") from None
        by = None
        if uploader:
            by = User.objects.filter(username=uploader).first()
            if by is None:
                raise CommandError(f"There is no user called “{uploader}”")

        paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        cases = dict(Case.objects.filter(service=service_obj).values_list("thrive_id", "pk"))
        linked = unlinked = duplicates = 0
        refused: list[tuple[str, str]] = []
        progress = Progress(len(paths))
        for path in paths:
            progress.step(path.name)
            with path.open("rb") as handle:
                try:
                    checked = check_upload(File(handle, name=path.name))
                except UploadRefused as refusal:
                    refused.append((path.name, refusal.message))
                    continue
                case_pk = cases.get(thrive_id_in(checked.safe_name))
                case = Case.objects.select_related("service").get(pk=case_pk) if case_pk else None
                try:
                    services.upload_document(
                        by=by,
                        imported=True,
                        case=case,
                        service=service_obj,
                        checked=checked,
                        name=safe_filename(path.name, extension=checked.extension),
                        title="",
                    )
                except services.DuplicateDocument as duplicate:
                    duplicates += 1
                    refused.append(
                        (path.name, f"already in the library as {duplicate.existing.name}")
                    )
                    continue
            if case:
                linked += 1
            else:
                unlinked += 1

        self.stdout.write(
            f"Imported {linked + unlinked} of {len(paths)} files into {service_obj.name}: "
            f"{linked} linked to a case, {unlinked} in Documents with No Thrive ID, "
            f"{len(refused) - duplicates} refused, {duplicates} already there."
        )
        for name, reason in refused:
            self.stdout.write(f"  Not imported: {name}: {reason}")
