"""Downloads too large to build while the person waits.

A download of more than EXPORT_INLINE_ROWS rows is not built during the request: an ExportJob
is queued and a Celery task (inline in the embedded mode, where tasks run eagerly) builds the
file by calling the list's own view again as its owner, so the same permission checks,
filters and sort apply. The person follows its progress and downloads it, audited. How rows
are written is thrive/ui/downloads.py."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from .models import ExportJob
from .ui.downloads import csv_response, xlsx_response

# --- Exports too large for a request ---------------------------------------------------------


def respond(
    request, *, title: str, filename: str, fmt: str, header: list[str], chunks, count
) -> HttpResponse:
    """The download, or — above EXPORT_INLINE_ROWS rows — a queued ExportJob and a redirect to
    its progress page. `count` is called only when needed; `chunks` is consumed only when the
    download is built here."""
    progress = getattr(request, "export_progress", None)
    if progress is None:
        total = count()
        if total > settings.EXPORT_INLINE_ROWS:
            job = queue_export(request, title=title, filename=filename, fmt=fmt, total=total)
            return redirect("export_status", pk=job.pk)
    else:
        chunks = _counted(chunks, progress)
    if fmt == "xlsx":
        return xlsx_response(filename, title, header, chunks)
    return csv_response(filename, header, chunks)


def _counted(chunks, progress: Callable[[int], None]):
    done = 0
    for chunk in chunks:
        yield chunk
        done += len(chunk)
        progress(done)


@transaction.atomic
def queue_export(request, *, title: str, filename: str, fmt: str, total: int) -> ExportJob:
    """Record the export and queue its building once the record is committed."""
    from .tasks import build_export

    job = ExportJob.objects.create(
        user=request.user,
        title=title[:200],
        path=request.path,
        query=request.GET.urlencode(),
        format=fmt,
        filename=filename,
        rows_total=total,
    )
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def build(job_id: int) -> ExportJob:
    """Build the file of a queued export: the list's view is called again as its owner, with
    the same query, and its download is stored. Progress is saved every chunk."""
    from django.core.files import File
    from django.core.files.storage import default_storage
    from django.test import RequestFactory
    from django.urls import resolve

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.BUILDING):
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.BUILDING)
    request = RequestFactory().get(job.path, data=None, QUERY_STRING=job.query)
    request.user = job.user
    request.export_progress = lambda done: ExportJob.objects.filter(pk=job.pk).update(
        rows_done=done
    )
    match = resolve(job.path)
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"the list answered {response.status_code}")
        with tempfile.TemporaryFile() as stored:
            for piece in response.streaming_content if response.streaming else [response.content]:
                stored.write(piece)
            stored.seek(0)
            name = default_storage.save(f"exports/{job.pk}/{job.filename}", File(stored))
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.READY,
        file=name,
        finished_at=timezone.now(),
        rows_done=job.rows_total,
    )
    job.refresh_from_db()
    return job


def purge_old_exports(now: datetime | None = None) -> int:
    """Export files hold children's data: they are deleted EXPORT_KEEP_HOURS after they were
    asked for, with their records."""
    from datetime import timedelta

    from django.core.files.storage import default_storage

    cutoff = (now or timezone.now()) - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            default_storage.delete(job.file)
        job.delete()
    return len(old)
