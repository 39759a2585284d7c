"""Thrive as deployed (thrive/wsgi.py) with the benchmark's floor pages (bench/urls.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()
