"""How a list's rows are written for download, as CSV or XLSX.

Rows arrive as plain values in chunks (values_list tuples, no model instances). CSV streams a
chunk of rows per write. XLSX is written by XlsxWriter in constant_memory mode (each row goes
to disk as it is written, so memory stays flat however long the list) into a temporary file
that is then streamed. In XLSX cells keep their types — dates are dates, numbers are numbers —
so spreadsheet users can sort and sum; in both formats a text cell that begins with = + - @
is neutralised so that no spreadsheet runs it as a formula."""

from __future__ import annotations

import csv
import functools
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

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
    """The CSV text, one piece a chunk of rows (a write per row costs more than the row).

    Each chunk is turned into cells a column at a time and joined with str.join, which runs
    in C: csv.writer examines every character of every field in Python-visible calls and was
    most of a download's time. A column whose joined text has no comma, quote or line break
    (the common case) is used as it is; otherwise only the fields that need it are quoted,
    exactly as csv.writer would (QUOTE_MINIMAL, "\\r\\n" line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    yield "\ufeff" + buffer.getvalue()  # the byte order mark, so Excel reads UTF-8
    for chunk in chunks:
        if not chunk:
            continue
        columns = [_quoted(_csv_column(column)) for column in zip(*chunk, strict=True)]
        yield "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


_NEEDS_QUOTES = re.compile(r'[",\r\n]')
# Substring tests (C's fast search) beat a regular expression over a whole column's text.
_QUOTED_CHARACTERS = ('"', ",", "\r", "\n")
_UNSAFE_AFTER_SEPARATOR = tuple("\x00" + start for start in UNSAFE_STARTS)


def _any_in(needles: tuple[str, ...], text: str) -> bool:
    return any(needle in text for needle in needles)


def _quoted(cells: list[str]) -> list[str]:
    """A column's cells as CSV fields: quoted (quotes doubled) where they hold a comma, a quote
    or a line break. One scan of the joined column decides whether any does."""
    if not _any_in(_QUOTED_CHARACTERS, "\x00".join(cells)):
        return cells
    return [
        '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell
        for cell in cells
    ]


def _csv_column(values: tuple) -> list[str]:
    """One column of a chunk as CSV text, converted a column at a time: a column's values
    share a type, so the common cases (text, whole numbers, dates) skip a call per cell."""
    kinds = set(map(type, values))
    if kinds == {str}:
        if _any_in(_UNSAFE_AFTER_SEPARATOR, "\x00" + "\x00".join(values)):
            return [safe_text(value) for value in values]
        return list(values)
    if kinds == {int}:
        return list(map(str, values))
    if kinds <= {date, type(None)}:
        return ["" if value is None else _uk_date(value) for value in values]
    return [text(value) for value in values]


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
