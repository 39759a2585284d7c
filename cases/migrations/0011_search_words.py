from django.db import migrations

from thrive.migration_operations import postgresql_only
from thrive.search.words import drop_table_sql, table_sql

# PostgreSQL: the cases' names and Soundex codes indexed as arrays of words, their words kept in
# the vocabulary by a trigger (thrive/search/words.py), both built without locking out writes;
# the trigram indexes of the two columns, which the search no longer reads, dropped.
TRIGRAM_INDEXES = ("case_search_names_trgm", "search_names"), ("case_search_sounds_trgm", "search_sounds")

FORWARD = [
    *table_sql("cases_case", "case"),
    *(f"DROP INDEX CONCURRENTLY IF EXISTS {name}" for name, _ in TRIGRAM_INDEXES),
]
BACKWARD = [
    *(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cases_case"
        f" USING gin ({column} gin_trgm_ops)"
        for name, column in TRIGRAM_INDEXES
    ),
    *drop_table_sql("cases_case", "case"),
]


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("cases", "0010_district_workers"),
        ("thrive", "0013_search_words"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD)),
    ]
