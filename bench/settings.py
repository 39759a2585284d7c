"""Thrive's settings as deployed, with the benchmark's two floor pages mounted beside
Thrive's own URLs (bench/urls.py)."""

import os

from thrive.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_SERVED") == "1":
    # bench-served signs one person in from one address as fast as it can, which is what
    # the sign-in rate limits exist to stop: they are off for its run (bench/served.py).
    ACCOUNT_RATE_LIMITS = False
