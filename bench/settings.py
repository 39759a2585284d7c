"""Thrive's settings as deployed, with the benchmark's two floor pages mounted beside
Thrive's own URLs (bench/urls.py)."""

from thrive.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
