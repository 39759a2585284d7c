from django.db import migrations, models

from thrive.migration_operations import add_indexes_concurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("cases", "0011_search_words")]

    operations = [
        add_indexes_concurrently(
            "cases",
            "case",
            [
                models.Index(fields=["service", "thrive_id"], name="case_service_thrive_id"),
                models.Index(
                    fields=["service", "family_names", "id"], name="case_service_families"
                ),
            ],
        ),
    ]
