"""Timing pages through the Django test client and their SQL inside PostgreSQL.

A page's SQL is every query one request runs, each timed by PostgreSQL itself (`EXPLAIN
(ANALYZE, FORMAT JSON)`: planning plus execution time, writes rolled back), the median of
SQL_RUNS. `connection.queries` rounds to the millisecond, which made the slowest query and the
ratio noise on fast pages; the server's own timing does not."""

import os
import platform
import re
import statistics
import time
from datetime import datetime

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
SQL_RUNS = int(os.environ.get("BENCH_SQL_RUNS", "5"))
P95_TARGET_MS = 150
RATIO_TARGET = 2.0
DOWNLOAD_ROWS_TARGET = 100_000  # rows a second, of CSV
XLSX_PEAK_MB = 16  # written in constant memory: the request's peak, whatever the rows


class _RolledBack(Exception):
    pass


def report(cases: int, only: str = "") -> None:
    from django.db import connection

    from .pages import PAGES, manager
    from .search import SEARCH_PAGES

    print()
    print(
        f"Thrive benchmark, {datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the start);"
        f" {cases:,} cases; {RUNS} runs a page."
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document")
        print(f"{cursor.fetchone()[0]:,} documents; PostgreSQL {connection.pg_version // 10000}.")
    hello = measure_url(manager(), "/bench/hello/")
    empty = measure_url(manager(), "/bench/empty/")
    print()
    print(
        f'Signed-in "hello" through Thrive\'s middleware: p50 {hello["p50"]:.2f} ms, '
        f"{hello['queries']} queries, SQL {hello['sql']:.2f} ms"
    )
    print(
        f"Empty signed-in page (base.html):            p50 {empty['p50']:.2f} ms, "
        f"{empty['queries']} queries, SQL {empty['sql']:.2f} ms"
    )
    if not only:
        from .fixed import fixed_costs

        fixed_costs()
    print()
    print("| page | queries | rows shown | p50 ms | p95 ms | SQL ms | floor ms | ratio | verdict |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    missed = 0
    measured = []
    for page in [*PAGES, *SEARCH_PAGES]:
        if only and only.lower() not in page.name.lower():
            continue
        data = page.data() if page.data else None
        result = measure_url(page.user(), page.url(), download=page.download, data=data)
        floor = empty["p50"] + result["sql"] - empty["sql"]
        ratio = result["p50"] / floor
        if page.download:
            # Rows a second beyond the fixed cost of a signed-in page (the empty page), and
            # beyond PostgreSQL's time for the page's SQL too: Thrive's own share.
            beyond = max(result["p50"] - empty["p50"], 0.001)
            rate = result["rows"] / (beyond / 1000)
            own = max(beyond - (result["sql"] - empty["sql"]), 0.001)
            own_rate = result["rows"] / (own / 1000)
            # CSV is judged by its rate; XLSX (XlsxWriter, a cell at a time) by its memory.
            if page.url().endswith("csv"):
                ok = rate >= DOWNLOAD_ROWS_TARGET
            else:
                ok = result["peak_mb"] <= XLSX_PEAK_MB
            verdict = (
                f"{result['rows']:,} rows, {rate:,.0f} rows/s"
                f" ({own_rate:,.0f} rows/s beyond its SQL), peak {result['peak_mb']:.1f} MB"
            )
        elif page.target_ms:
            ok = result["p50"] <= page.target_ms
            verdict = f"target p50 <= {page.target_ms:.0f} ms"
        else:
            ok = result["p95"] <= P95_TARGET_MS and ratio <= RATIO_TARGET
            verdict = ""
        verdict = ("ok" if ok else "MISSED") + (f", {verdict}" if verdict else "")
        missed += not ok
        measured.append(
            {"name": page.name, "floor": floor, "ratio": ratio, "download": page.download, **result}
        )
        print(
            f"| {page.name} | {result['queries']} | {result['shown']} | {result['p50']:.1f} |"
            f" {result['p95']:.1f} | {result['sql']:.1f} | {floor:.1f} | {ratio:.2f} | {verdict} |",
            flush=True,
        )
    print()
    print(
        f"Targets: p95 <= {P95_TARGET_MS} ms and p50 <= {RATIO_TARGET}x its floor (the empty"
        " signed-in page plus the page's own SQL beyond the empty page's, timed by PostgreSQL);"
        f" CSV downloads >= {DOWNLOAD_ROWS_TARGET:,} rows a second, XLSX within"
        f" {XLSX_PEAK_MB} MB of memory (constant: tests/thrive/test_xlsx_memory.py)."
        f" {missed} missed."
    )
    if os.environ.get("BENCH_JSON"):  # for `python -m bench growth` (bench/growth.py)
        import json

        with open(os.environ["BENCH_JSON"], "w") as out:
            json.dump({"cases": cases, "empty": empty, "hello": hello, "pages": measured}, out)


def measure_url(user, url: str, *, download: bool = False, data: dict | None = None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .pages import signed_in_client

    client = signed_in_client(user)

    def get():
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    for _ in range(3 if not download else 1):  # warm caches and connections
        body = get()
    runs = RUNS if not download else max(3, RUNS // 6)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    # Before the queries are captured: each request starts by clearing connection.queries.
    peak = _peak_memory(get) if download else 0
    with CaptureQueriesContext(connection) as queries:
        get()
    timings.sort()
    rows = body.count(b"\n") - 1 if url.endswith("csv") else _xlsx_rows(body) if download else 0
    # The rows of the page's tables, their header rows left out: a list that fits on a page
    # at 20,000 cases shows fewer rows than the full page it shows at 1,000,000.
    shown = 0 if download else body.count(b'<tr class="govuk-table__row"') - body.count(b"<thead")
    return {
        "shown": shown,
        "p50": statistics.median(timings),
        "p95": timings[max(0, round(len(timings) * 0.95) - 1)],
        "queries": len(queries.captured_queries),
        "sql": sql_time([q["sql"] for q in queries.captured_queries]),
        "rows": rows,
        "peak_mb": peak / 1024 / 1024,
    }


def _peak_memory(get) -> int:
    """Bytes Python allocated at most while one request was answered (tracemalloc), beyond
    what it held before: a download streamed in constant memory keeps this flat."""
    import tracemalloc

    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        get()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def _xlsx_rows(body: bytes) -> int:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sheet.max_row - 1 if sheet.max_row else 0


def sql_time(statements: list[str]) -> float:
    """Milliseconds PostgreSQL spends planning and executing these statements (median of
    SQL_RUNS runs of the lot). Writes are measured inside a savepoint that is rolled back."""
    timed = [_cursor_query(s) for s in statements]
    timed = [s for s in timed if s.lstrip().split(" ", 1)[0].upper() in _TIMED]
    totals = []
    for _ in range(SQL_RUNS):
        totals.append(sum(_explain(statement) for statement in timed))
    return statistics.median(totals) if totals else 0.0


_TIMED = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"}
_DECLARE = re.compile(r"^\s*DECLARE\s.*?\sCURSOR\s(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s", re.S | re.I)


def _cursor_query(statement: str) -> str:
    """A server-side cursor's query (DECLARE … FOR <query>) is timed as that query."""
    return _DECLARE.sub("", statement, count=1)


def _explain(statement: str) -> float:
    from django.db import IntegrityError

    try:
        return _explain_once(statement)
    except IntegrityError:
        # The page's own INSERT of a row with a unique value (an audit event's event_id) is
        # already in the table: time the same INSERT as one that would not conflict.
        return _explain_once(
            _INSERT_RETURNING.sub(" ON CONFLICT DO NOTHING RETURNING ", statement, 1)
        )


_INSERT_RETURNING = re.compile(r" RETURNING ")


def _explain_once(statement: str) -> float:
    from django.db import connection, transaction

    result = 0.0
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)  # no params: no %s
                plan = cursor.fetchone()[0]
                if isinstance(plan, str):
                    import json

                    plan = json.loads(plan)
                result = plan[0]["Planning Time"] + plan[0]["Execution Time"]
            raise _RolledBack
    except _RolledBack:
        pass
    return result
