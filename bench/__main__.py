"""`make bench`: every list, report and case page at volume on PostgreSQL.

    make bench                      1,000,000 cases, 5,000,000 documents (built once, reused)
    make bench BENCH_CASES=20000    another volume, in a database of its own
    make bench BENCH_ONLY=build     only build (or reuse) the database
    make bench BENCH_PAGES=Archive  only the pages whose name contains the text
    make bench-served               served by gunicorn and driven by wrk (bench/served.py)
    make bench-growth               20,000 and 1,000,000 cases side by side (bench/growth.py)

For each page: its query count, median (p50) and 95th percentile through the Django test
client, its own SQL timed precisely (the sum of PostgreSQL's planning and execution times,
`EXPLAIN (ANALYZE)`, of every query the page runs), the floor (an empty signed-in page plus
that SQL) and the ratio of the median to the floor. Targets: p95 within P95_TARGET_MS and the
page within RATIO_TARGET of its floor. The fixed costs come first: a bare Django view (no
middleware), Thrive's middleware answering a signed-in "hello", and an empty signed-in page."""

import os
import sys

CASES = int(os.environ.get("BENCH_CASES", "1000000"))


def _label(cases: int) -> str:
    return f"{cases // 1_000_000}m" if cases % 1_000_000 == 0 else f"{cases // 1000}k"


os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/thrive_bench_{_label(CASES)}"
    ),
)
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench.settings",
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    SECURE_SSL_REDIRECT="false",
    STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
)
# As the image logs (docs/deployment.md): one JSON line a request.
os.environ.setdefault("LOG_FORMAT", "json")
# Without Redis unless BENCH_REDIS_URL names one (then the cache and sessions are as deployed).
os.environ.pop("REDIS_URL", None)
if os.environ.get("BENCH_REDIS_URL"):
    os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]


def main() -> int:
    if "growth" in sys.argv[1:]:  # two volumes, each in a process of its own
        from .growth import main as growth

        return growth()
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL.")
        return 2
    from .build import build

    build(settings.DATABASES["default"], CASES)
    if os.environ.get("BENCH_ONLY") == "build":
        return 0
    if "served" in sys.argv[1:]:
        from .served import main as served

        return served(CASES, os.environ.get("BENCH_PAGES", ""))
    from .measure import report

    report(CASES, os.environ.get("BENCH_PAGES", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
