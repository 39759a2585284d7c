"""The search page. Search terms are posted, never put in a URL, so a child's name does not
reach browser history or server and proxy logs; every search is audited by who, when, how many
results and the kinds of term used, never the terms."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
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
            page = Paginator(searcher.find(request.user, terms), PAGE_SIZE).get_page(
                _page_number(request, searcher.kind)
            )
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
