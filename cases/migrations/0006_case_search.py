from django.db import migrations, models

from thrive.search import fill
from thrive.search.text import name_keys, postcode_key

# PostgreSQL's own tools for the search box: trigram indexes (pg_trgm, a trusted extension the
# database owner may create) for word starts, Soundex codes and partial Thrive IDs, and a
# pattern index for postcodes by their start. SQLite, the embedded default, scans instead.
POSTGRES_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_names_trgm ON cases_case "
    "USING gin (search_names gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_search_sounds_trgm ON cases_case "
    "USING gin (search_sounds gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_thrive_id_trgm ON cases_case "
    "USING gin (thrive_id gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_search_postcode ON cases_case "
    "(search_postcode varchar_pattern_ops)",
]
DROP_POSTGRES_INDEXES = [
    "DROP INDEX IF EXISTS case_search_names_trgm",
    "DROP INDEX IF EXISTS case_search_sounds_trgm",
    "DROP INDEX IF EXISTS case_thrive_id_trgm",
    "DROP INDEX IF EXISTS case_search_postcode",
]


def case_search_keys(first_name, last_name, family_names, postcode):
    names, sounds = name_keys(first_name, last_name, family_names)
    return names[:700], sounds[:300], postcode_key(postcode)[:10]


def fill_search_keys(apps, schema_editor):
    # A chunk of cases at a time, written by COPY and one UPDATE on PostgreSQL
    # (thrive/search/fill.py), before the trigram indexes exist.
    fill.fill_search_keys(
        apps.get_model("cases", "Case").objects.all(),
        ("child_first_name", "child_last_name", "family_names", "postcode"),
        case_search_keys,
        ("search_names", "search_sounds", "search_postcode"),
        connection=schema_editor.connection,
    )


def postgres_indexes(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_merge_0004_case_notes_0004_free_text_maximum_lengths"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_names",
            field=models.CharField(blank=True, editable=False, max_length=700),
        ),
        migrations.AddField(
            model_name="case",
            name="search_postcode",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name="case",
            name="search_sounds",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["child_date_of_birth"], name="case_child_date_of_birth"),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(
            postgres_indexes(POSTGRES_INDEXES), postgres_indexes(DROP_POSTGRES_INDEXES)
        ),
    ]
