"""Finding records by the words of a name, at any volume.

A record that can be found by name stores `search_names` (its folded words, space-delimited
with a space at both ends) and `search_sounds` (their Soundex codes, likewise): see
`text.name_keys`. On PostgreSQL each such table has a GIN index of those two as arrays of
words (`words_of`), and a trigger that adds every new word to `SearchWord`, the vocabulary. A
search then costs what its matches cost, not what the table holds:

- a whole word, or several (`has_words`), and a Soundex code (`has_sounds`), are looked up in
  the table's own index of words;
- a word's start or a word close by trigrams (`has_word_like`: `smi`, `Smiht`) is looked up in
  the vocabulary first (its own trigram and pattern indexes), and the records holding any of
  those words then in the table's index.

Before, each of these was a LIKE or a trigram match over the whole column, through trigram
indexes whose every lookup read posting lists that grow with the table. On SQLite (the
embedded default) the same conditions are LIKEs over the two columns, and the vocabulary is
not used.

An app whose model stores search names adds, in a migration, `table_sql(table)` (the two
indexes, the trigger, and the vocabulary filled from the rows already there)."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q

NAME_WORDS = "search_name_words"
SOUND_WORDS = "search_sound_words"


def words_of(field: str) -> Func:
    """The column's words as an array, written exactly as the tables' indexes are made
    (`table_sql`) so that PostgreSQL uses them."""
    return Func(
        models.F(field),
        template="string_to_array(btrim(%(expressions)s), ' ')",
        output_field=ArrayField(models.TextField()),
    )


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def with_words(queryset):
    """The queryset able to take the conditions below: on PostgreSQL, its records' words and
    Soundex codes as arrays (aliases, not selected)."""
    if not _postgresql():
        return queryset
    return queryset.alias(
        **{NAME_WORDS: words_of("search_names"), SOUND_WORDS: words_of("search_sounds")}
    )


def has_words(*words: str) -> Q:
    """Records whose name holds every one of these whole (folded) words."""
    if _postgresql():
        return Q(**{f"{NAME_WORDS}__contains": list(words)})
    return _every("search_names", words)


def has_sounds(*codes: str) -> Q:
    """Records with a word of each of these Soundex codes."""
    if _postgresql():
        return Q(**{f"{SOUND_WORDS}__contains": list(codes)})
    return _every("search_sounds", codes)


def has_word_like(name: str) -> Q:
    """Records with a word that starts with `name`, or (PostgreSQL) is close to it by
    trigrams (`smiht` finds `smith`)."""
    if not _postgresql():
        return Q(search_names__contains=f" {name}")
    from thrive.models import SearchWord

    like = SearchWord.objects.filter(Q(word__startswith=name) | Q(word__trigram_word_similar=name))
    return Q(**{f"{NAME_WORDS}__overlap": ArraySubquery(like.values("word"))})


def _every(field: str, words) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": f" {word} "})
    return condition


# --- PostgreSQL: the vocabulary and each table's indexes --------------------------------------

VOCABULARY_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON thrive_searchword"
    " USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_word_start ON thrive_searchword (word varchar_pattern_ops)",
    # A row's new words, added as the row is written (AFTER INSERT or UPDATE OF search_names).
    """
    CREATE OR REPLACE FUNCTION thrive_keep_search_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO thrive_searchword (word)
        SELECT DISTINCT word FROM unnest(string_to_array(btrim(NEW.search_names), ' ')) AS word
        WHERE word <> ''
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
]
DROP_VOCABULARY_SQL = ["DROP FUNCTION IF EXISTS thrive_keep_search_words()"]


def fill_sql(table: str) -> str:
    """The words of every row of `table`, added to the vocabulary in one statement (after a
    bulk load that wrote rows with triggers off, as the benchmark's does)."""
    source = f"{table}, unnest(string_to_array(btrim(search_names), ' ')) AS word"
    return (
        f"INSERT INTO thrive_searchword (word) SELECT DISTINCT word FROM {source}"  # noqa: S608
        " WHERE word <> '' ON CONFLICT DO NOTHING"
    )


def table_sql(table: str, prefix: str) -> list[str]:
    """A table's indexes of words, built without locking out writes (run them outside a
    transaction: a non-atomic migration), its trigger, and its words added to the vocabulary."""
    return [
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {prefix}_search_name_words ON {table}"
        " USING gin (string_to_array(btrim(search_names), ' '))",
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {prefix}_search_sound_words ON {table}"
        " USING gin (string_to_array(btrim(search_sounds), ' '))",
        f"DROP TRIGGER IF EXISTS {prefix}_search_words ON {table}",
        f"CREATE TRIGGER {prefix}_search_words AFTER INSERT OR UPDATE OF search_names"
        f" ON {table} FOR EACH ROW WHEN (NEW.search_names <> '')"
        " EXECUTE FUNCTION thrive_keep_search_words()",
        fill_sql(table),
    ]


def drop_table_sql(table: str, prefix: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_search_words ON {table}",
        f"DROP INDEX CONCURRENTLY IF EXISTS {prefix}_search_name_words",
        f"DROP INDEX CONCURRENTLY IF EXISTS {prefix}_search_sound_words",
    ]
