from django.db import migrations, models

INDEXES = [
    models.Index(fields=["service", "thrive_id"], name="case_service_thrive_id"),
    models.Index(fields=["service", "family_names", "id"], name="case_service_families"),
]


def each_index(method: str):
    """Add or remove the indexes; on PostgreSQL without locking out writes to the cases
    (CREATE INDEX CONCURRENTLY)."""

    def run(apps, schema_editor):
        model = apps.get_model("cases", "Case")
        postgresql = schema_editor.connection.vendor == "postgresql"
        options = {"concurrently": True} if postgresql else {}
        for index in INDEXES:
            getattr(schema_editor, method)(model, index, **options)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("cases", "0011_search_words")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex("case", index) for index in INDEXES],
            database_operations=[
                migrations.RunPython(each_index("add_index"), each_index("remove_index"))
            ],
        ),
    ]
