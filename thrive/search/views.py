"""The search page. Search terms are posted, never put in a URL, so a child's name does not
reach browser history or server and proxy logs; every search is audited by who, when, how many
results and the kinds of term used, never the terms."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from thrive import audit

from . import parse, searchers_for

PAGE_SIZE = 20


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a child",
        help_text="A name, a date of birth, a postcode (or its first part) or a Thrive ID "
        "(or part of one), for example “Jon Smith 01/03/2015” or “ME14”.",
        max_length=200,
        error_messages={
            "required": "Enter a name, date of birth, postcode or Thrive ID",
            "max_length": "Search must be 200 characters or fewer",
        },
    )

    def clean_q(self):
        terms = parse(self.cleaned_data["q"])
        if not terms:
            raise forms.ValidationError("Enter a name, date of birth, postcode or Thrive ID")
        return self.cleaned_data["q"]


def _page_number(request, kind: str) -> str:
    return request.POST.get(f"page_{kind}", "1")


def page_of(results, number: str) -> Page:
    """A page of one searcher's results. A queryset's page and its count come in one query:
    the count rides on every row (`COUNT(*) OVER ()`), since to sort the matches the database
    finds them all anyway; a count query and a page query did that search twice (at 1,000,000
    cases a name search is most of its time in those trigram lookups). A page past the end,
    a DISTINCT queryset or a list (downtime records) is paged the usual way."""
    paginator = Paginator(results, PAGE_SIZE)
    if not isinstance(results, QuerySet) or results.query.distinct:
        return paginator.get_page(number)  # a window counts rows before DISTINCT drops any
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * PAGE_SIZE
    rows = list(results.annotate(search_total=Window(Count("pk")))[start : start + PAGE_SIZE])
    if not rows and wanted == 1:
        paginator.count = 0
    if not rows:
        return paginator.get_page(wanted)
    paginator.count = rows[0].search_total
    return Page(rows, wanted, paginator)


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    searchers = searchers_for(request.user)
    if not searchers:
        raise Http404
    form = SearchForm(request.POST if request.method == "POST" else None)
    sections = []
    if form.is_bound and form.is_valid():
        terms = parse(form.cleaned_data["q"])
        for searcher in searchers:
            page = page_of(searcher.find(request.user, terms), _page_number(request, searcher.kind))
            sections.append(
                {
                    "searcher": searcher,
                    "page": page,
                    "results": [searcher.result(obj, terms) for obj in page],
                    "page_field": f"page_{searcher.kind}",
                }
            )
        total = sum(section["page"].paginator.count for section in sections)
        audit.record(
            request,
            "searched",
            object_type="search",
            note=f"{total} results; searched by {', '.join(terms.kinds)}",
        )
    return render(
        request,
        "thrive/search.html",
        {"form": form, "sections": sections, "searched": bool(sections)},
    )
