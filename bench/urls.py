"""Thrive's URLs plus the floors `make bench` measures every page against: Thrive's middleware
answering a signed-in "hello", and an empty signed-in page (base.html with no content)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from thrive.urls import urlpatterns as thrive_urlpatterns

from .search import urlpatterns as search_urlpatterns


@login_required
def hello(request):
    return HttpResponse("hello", content_type="text/plain")


@login_required
def empty_page(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("bench/empty/", empty_page, name="bench_empty"),
    *search_urlpatterns,
    *thrive_urlpatterns,
]
