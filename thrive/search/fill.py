"""Filling search keys for every row of a table, as a migration that adds them must: a council's
database holds a million cases.

The keys are computed by the same Python that saves a record (they cannot be computed in SQL
identically: `thrive.search.text` folds with Python's Unicode tables and its own Soundex), from
the rows read a chunk at a time in primary-key order. On PostgreSQL each chunk is copied
(`COPY`) into a temporary table and one `UPDATE … FROM` that table writes them all; elsewhere
(SQLite, the embedded default, whose databases are small) an `UPDATE … WHERE id = ?` a row,
sent together (`executemany`). Django's `bulk_update` was the first way, and the slowest: its
`CASE WHEN id = … THEN …` has one branch a row of the batch, which PostgreSQL walks for every
row it updates (more than 24 minutes for a million cases)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

CHUNK = 5_000


def fill_search_keys(
    queryset,
    sources: Iterable[str],
    keys: Callable[..., tuple],
    targets: Iterable[str],
    *,
    connection,
    chunk: int | None = None,
) -> int:
    """Set `targets` (column names) of every row of `queryset` to `keys(*sources)`, the
    sources being field names read from the row. Returns how many rows were written. Call it
    inside the migration's transaction: the temporary table goes with it."""
    sources, targets, chunk = list(sources), list(targets), chunk or CHUNK
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    pk = connection.ops.quote_name(queryset.model._meta.pk.column)
    columns = [connection.ops.quote_name(target) for target in targets]
    postgres = connection.vendor == "postgresql"
    written = 0
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "CREATE TEMPORARY TABLE search_key_fill (pk bigint, "
                + ", ".join(f"{column} text" for column in columns)
                + ") ON COMMIT DROP"
            )
        for rows in _chunks(queryset, sources, chunk):
            filled = [(pk_value, *keys(*values)) for pk_value, *values in rows]
            written += len(filled)
            if postgres:
                with cursor.cursor.copy("COPY search_key_fill FROM STDIN") as copy:
                    for row in filled:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"UPDATE {table} SET "  # noqa: S608 (our own table and column names)
                    + ", ".join(f"{column} = %s" for column in columns)
                    + f" WHERE {pk} = %s",
                    [(*values, pk_value) for pk_value, *values in filled],
                )
        if postgres:
            cursor.execute("ANALYZE search_key_fill")  # so that the UPDATE hashes it
            cursor.execute(
                f"UPDATE {table} AS t SET "  # noqa: S608 (our own table and column names)
                + ", ".join(f"{column} = k.{column}" for column in columns)
                + f" FROM search_key_fill AS k WHERE t.{pk} = k.pk"
            )
            cursor.execute("DROP TABLE search_key_fill")
    return written


def _chunks(queryset, sources: list[str], chunk: int):
    """The rows' primary keys and sources, `chunk` rows at a time in primary-key order (each
    chunk is a query of its own: a server-side cursor left open would block the COPY)."""
    rows = queryset.order_by("pk").values_list("pk", *sources)
    last = None
    while True:
        page = list((rows if last is None else rows.filter(pk__gt=last))[:chunk])
        if not page:
            return
        yield page
        last = page[-1][0]
