"""The one list mechanism every list and report uses: paging (downloads: downloads.py)."""

from django.core.paginator import Page, Paginator

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
