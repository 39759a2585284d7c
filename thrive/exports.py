"""Downloads of lists and reports, as CSV or XLSX.

Rows arrive as plain values in chunks (values_list tuples, no model instances). CSV streams a
chunk of rows per write. XLSX is written by XlsxWriter in constant_memory mode (each row goes
to disk as it is written, so memory stays flat however long the list) into a temporary file
that is then streamed. In XLSX cells keep their types — dates are dates, numbers are numbers —
so spreadsheet users can sort and sum; in both formats a text cell that begins with = + - @
is neutralised so that no spreadsheet runs it as a formula.

A download of more than EXPORT_INLINE_ROWS rows is not built while the person waits: an
ExportJob is queued and a Celery task (inline in the embedded mode, where tasks run eagerly)
builds the file by calling the list's own view again as its owner, so the same permission
checks, filters and sort apply. The person follows its progress and downloads it, audited."""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from .models import ExportJob

UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header


def safe_text(text: str) -> str:
    """Spreadsheet programs run cells that begin with = + - @ as formulas: defuse them."""
    return "'" + text if text[:1] in UNSAFE_STARTS else text


@functools.lru_cache(maxsize=8192)
def _uk_date(day: date) -> str:
    return day.strftime("%d-%b-%Y")


def text(value) -> str:
    """How a cell reads in CSV (and on screen): UK dates, Yes/No, blanks for None; text made
    safe for spreadsheets."""
    kind = value.__class__
    if kind is str:
        return safe_text(value)
    if value is None:
        return ""
    if kind is bool:
        return "Yes" if value else "No"
    if kind is int:
        return str(value)
    if kind is datetime:
        return timezone.localtime(value).strftime("%d-%b-%Y %H:%M")
    if kind is date:
        return _uk_date(value)
    return safe_text(str(value))


def csv_lines(header: list[str], chunks: Iterable[list[list]]) -> Iterator[str]:
    """The CSV text, one piece a chunk of rows (a write per row costs more than the row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()  # the byte order mark, so Excel reads UTF-8
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[text(cell) for cell in row] for row in chunk])
        yield buffer.getvalue()


def csv_response(filename: str, header: list[str], chunks) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(fileobj, title: str, header: list[str], chunks) -> None:
    """Write the workbook to `fileobj`, row by row (constant memory)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_formulas": False},
    )
    sheet = workbook.add_worksheet(_sheet_name(title))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd-mmm-yyyy"})
    moment = workbook.add_format({"num_format": "dd-mmm-yyyy hh:mm"})
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    widths = [max(10, min(40, len(label) + 2)) for label in header]
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    number = 0
    for chunk in chunks:
        for row in chunk:
            number += 1
            if number > XLSX_MAX_ROWS:
                break
            for column, value in enumerate(row):
                _write_cell(sheet, number, column, value, day, moment)
    workbook.close()


def _write_cell(sheet, row, column, value, day, moment):
    kind = value.__class__
    if kind is str:
        if value:
            sheet.write_string(row, column, safe_text(value))
    elif value is None:
        return
    elif kind is bool:
        sheet.write_string(row, column, "Yes" if value else "No")
    elif kind in (int, float, Decimal):
        sheet.write_number(row, column, value)
    elif kind is datetime:
        sheet.write_datetime(row, column, timezone.localtime(value).replace(tzinfo=None), moment)
    elif kind is date:
        sheet.write_datetime(row, column, value, day)
    else:
        sheet.write_string(row, column, safe_text(str(value)))


def _sheet_name(title: str) -> str:
    name = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip()
    return name or "Sheet1"


def xlsx_response(filename: str, title: str, header: list[str], chunks) -> FileResponse:
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(spooled, title, header, chunks)
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


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
