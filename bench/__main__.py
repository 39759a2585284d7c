"""`make bench`: every list page at full volume on PostgreSQL.

For each page: median and 95th percentile response time through the Django test client, the
time of the page's main SQL query run alone, and their ratio. Targets: p95 under 150 ms and
the page within 3x its own SQL."""

import os
import statistics
import sys
import time

os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thrive_bench"),
)
os.environ.update(
    DJANGO_SETTINGS_MODULE="thrive.settings",
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    SECURE_SSL_REDIRECT="false",
    STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    ALLOWED_HOSTS="testserver",
)
# Without Redis unless BENCH_REDIS_URL names one (then the cache and sessions are as deployed).
os.environ.pop("REDIS_URL", None)
if os.environ.get("BENCH_REDIS_URL"):
    os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
P95_TARGET_MS = 150
RATIO_TARGET = 3


def main() -> int:
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("The benchmark runs on PostgreSQL: set DATABASE_URL or BENCH_DATABASE_URL.")
        return 2
    _create_database(settings.DATABASES["default"])
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from .data import ensure_volumes

    ensure_volumes()
    from .documents import DOCUMENT_PAGES, ensure_document_volumes

    ensure_document_volumes()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from .pages import PAGES

    print()
    print(
        f"{'page':<44}{'median ms':>10}{'p95 ms':>9}{'SQL ms':>9}{'ratio':>8}"
        f"{'all SQL':>9}  queries  verdict"
    )
    failures = 0
    for page in [*PAGES, *DOCUMENT_PAGES]:
        result = measure(page)
        ok = result["p95"] < P95_TARGET_MS and result["ratio"] < RATIO_TARGET
        failures += not ok
        print(
            f"{page.name:<44}{result['median']:>10.1f}{result['p95']:>9.1f}{result['sql']:>9.1f}"
            f"{result['ratio']:>8.2f}{result['all_sql']:>9.1f}  {result['queries']:>7}"
            f"  {'ok' if ok else 'MISSED'}"
        )
    baseline = measure_plain(PAGES[0].user, "/")
    print(
        f"{'(fixed cost: the home page, no list)':<44}{baseline:>10.1f}"
        "   — every page pays this before its own SQL and rows"
    )
    print()
    print(
        f"Targets: p95 < {P95_TARGET_MS} ms, page/SQL ratio < {RATIO_TARGET}; {RUNS} runs a page."
        " SQL ms: the page's slowest query run alone; all SQL: every query of one request, as"
        " the database driver timed it (the rest of the median is Python: middleware, rows,"
        " templates)."
    )
    return 0


def measure_plain(user, url) -> float:
    from django.test import Client

    client = Client()
    client.force_login(user())
    for _ in range(3):
        client.get(url)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(page) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(page.user())
    url = page.url()
    for _ in range(3):  # warm caches and connections
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    main_sql = max(queries.captured_queries, key=lambda q: float(q["time"]))["sql"]
    sql_timings = []
    with connection.cursor() as cursor:
        for _ in range(max(5, RUNS // 3)):
            started = time.perf_counter()
            cursor.execute(main_sql)
            cursor.fetchall()
            sql_timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    sql = statistics.median(sql_timings)
    median = statistics.median(timings)
    return {
        "median": median,
        "p95": p95,
        "sql": sql,
        "ratio": median / sql if sql else float("inf"),
        "queries": len(queries.captured_queries),
        "all_sql": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
    }


def _create_database(db):
    import psycopg

    name = db["NAME"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    dsn = f"host={host} port={port} user={db['USER']} dbname=postgres"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
