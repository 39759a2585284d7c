"""Queries that every request runs, compiled to SQL once per process (and database alias)
rather than by the ORM on every request: the session and the signed-in person with their
roles. Compiling the person's query (an aggregate of their memberships) cost more than
running it; the SQL and the rows are exactly the ORM's own."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError, connections, router

# A value no real key takes, put in the compiled SQL's parameters where the key goes.
_PLACEHOLDER = -7_319_004_551


class PrecompiledQuery:
    """`make(key)` gives the queryset for one key (a primary key, a session key); `get(key)`
    runs it with the SQL compiled once and returns the model instance (annotations set as
    attributes) or None. The queryset must select the model's concrete fields, in order, then
    its annotations, as a plain queryset does."""

    def __init__(self, model, make: Callable, placeholder=_PLACEHOLDER):
        self.model = model
        self.make = make
        self.placeholder = placeholder
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str):
        queryset = self.make(self.placeholder)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places = [i for i, value in enumerate(params) if value == self.placeholder]
        if len(places) != 1:
            raise ValueError(f"the key must appear once in the query's parameters: {sql}")
        # The database's converters for the selected columns (SQLite's dates and times, say).
        converters = compiler.get_converters([column[0] for column in compiler.select])
        compiled = (
            sql,
            tuple(params),
            places,
            list(queryset.query.annotation_select),
            list(converters.items()),
        )
        self._compiled[alias] = compiled
        return compiled

    def row(self, key) -> tuple[str, tuple] | None:
        """The database alias read and the row (the model's fields, then its annotations)."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        sql, params, places, _, converters = compiled
        params = list(params)
        for place in places:
            params[place] = key
        connection = connections[alias]
        # The request's first query on a kept connection is the health check
        # (CONN_HEALTH_CHECKS) rather than a `SELECT 1` before it: one round trip, not two.
        checks = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
            and not connection.in_atomic_block
        )
        if checks:
            connection.health_check_done = True
        try:
            row = _fetch_one(connection, sql, params)
        except DatabaseError:
            # As Django's check: a connection that no longer answers is closed and the
            # query made on a new one (it only reads); any other error is the query's own.
            if not checks or connection.is_usable():
                raise
            connection.close()
            row = _fetch_one(connection, sql, params)
        if row is None:
            return None
        if converters:
            row = list(row)
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        return alias, tuple(row)

    def instance(self, alias: str, row: tuple):
        """A new model instance from a row that `row` gave (annotations set as attributes)."""
        annotations = self._compiled[alias][3]
        fields = [field.attname for field in self.model._meta.concrete_fields]
        instance = self.model.from_db(alias, fields, row[: len(fields)])
        for name, value in zip(annotations, row[len(fields) :], strict=True):
            setattr(instance, name, value)
        return instance

    def get(self, key):
        found = self.row(key)
        return self.instance(*found) if found else None


def _fetch_one(connection, sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
