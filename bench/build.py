"""Create (once), migrate and fill the benchmark database, then VACUUM ANALYZE it so that
index-only scans skip the heap as they do on a settled production database."""

import time


def build(db: dict, cases: int, out=print) -> None:
    from django.core.management import call_command
    from django.db import connection

    from .data import ensure_volumes
    from .search import default_search_keys, fill_search_keys

    _create_database(db)
    out(f"Benchmark database {db['NAME']}: {cases:,} cases.")
    call_command("migrate", verbosity=0)
    default_search_keys()
    ensure_volumes(cases, out)
    fill_search_keys(out)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s.")


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
