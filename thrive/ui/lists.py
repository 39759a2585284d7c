"""The one list mechanism every list and report uses: paging and CSV export."""

import csv

from django.core.paginator import Page, Paginator
from django.http import StreamingHttpResponse

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE, page_param: str = "page"):
    """A page of `queryset` chosen by ?<page_param>=, tolerant of junk page numbers. The first
    page is fetched before anything is counted: a list that fits on it needs no COUNT query."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get(page_param)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(queryset[:per_page])
    if len(rows) < per_page:
        paginator.count = len(rows)  # a cached_property: the whole list is on this page
    return Page(rows, 1, paginator)


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
