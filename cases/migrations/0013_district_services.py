from django.db import migrations, models

from thrive.migration_operations import add_indexes_concurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("cases", "0012_documents_by_case_orders")]

    operations = [
        add_indexes_concurrently(
            "cases",
            "case",
            [models.Index(fields=["district", "service"], name="case_district_services")],
        ),
    ]
