"""The one list mechanism every list and report uses: paging and CSV export."""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of `queryset` chosen by ?page=, tolerant of junk page numbers."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def csv_safe(value) -> str:
    """Spreadsheet programs run cells that begin with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream rows as a CSV download so large exports never sit in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so Excel reads UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
