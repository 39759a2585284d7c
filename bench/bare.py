"""The bare Django floor for `make bench-served`: one view answering "hello", no middleware,
no apps, no database."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-" + "x" * 50,  # noqa: S106 (serves only "hello")
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("", hello)]

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after settings.configure)

application = get_wsgi_application()
