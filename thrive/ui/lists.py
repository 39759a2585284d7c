"""The one list mechanism every list and report uses: paging (downloads: downloads.py)."""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


class _CountedPaginator(Paginator):
    """A paginator told its count (one kept up to date elsewhere) instead of counting."""

    def __init__(self, object_list, per_page, count: Callable[[], int]):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count()


def paginate(
    request,
    queryset,
    per_page: int = PAGE_SIZE,
    page_param: str = "page",
    count: Callable[[], int] | None = None,
):
    """A page of `queryset` chosen by ?<page_param>=, tolerant of junk page numbers. The first
    page is fetched before anything is counted: a list that fits on it needs no COUNT query.
    `count`, when given, gives the number of rows (equal to the queryset's count, but kept
    rather than counted); it is asked only when the count is needed."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _CountedPaginator(queryset, per_page, count)
    number = request.GET.get(page_param)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(queryset[:per_page])
    if len(rows) < per_page:
        paginator.count = len(rows)  # a cached_property: the whole list is on this page
    return Page(rows, 1, paginator)
