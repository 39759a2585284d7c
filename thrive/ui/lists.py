"""The one list mechanism every list and report uses: paging (downloads: downloads.py)."""

from functools import cached_property

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


class _Paginator(Paginator):
    def __init__(self, object_list, per_page, *, counted=None):
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self):
        return self.counted.count() if self.counted is not None else super().count


def paginate(
    request, queryset, per_page: int = PAGE_SIZE, page_param: str = "page", *, counted=None
):
    """A page of `queryset` chosen by ?<page_param>=, tolerant of junk page numbers. The first
    page is fetched before anything is counted: a list that fits on it needs no COUNT query.
    `counted`, when given, is counted instead of `queryset` (the same rows, fewer joins)."""
    paginator = _Paginator(queryset, per_page, counted=counted)
    number = request.GET.get(page_param)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(queryset[:per_page])
    if len(rows) < per_page:
        paginator.count = len(rows)  # a cached_property: the whole list is on this page
    return Page(rows, 1, paginator)
