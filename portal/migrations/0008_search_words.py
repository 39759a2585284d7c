from django.db import migrations

from thrive.migration_operations import postgresql_only
from thrive.search.words import drop_table_sql, table_sql

# PostgreSQL: the tasks' child names and Soundex codes indexed as arrays of words, their words
# kept in the vocabulary by a trigger (thrive/search/words.py), built without locking out writes.


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("portal", "0007_task_search"),
        ("thrive", "0013_search_words"),
    ]

    operations = [
        migrations.RunPython(
            postgresql_only(table_sql("portal_task", "task")),
            postgresql_only(drop_table_sql("portal_task", "task")),
        ),
    ]
