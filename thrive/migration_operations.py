"""Migration operations shared by the apps."""

from django.db import migrations


def add_indexes_concurrently(app_label: str, model_name: str, indexes: list):
    """The operation adding `indexes` to a model: on PostgreSQL built without locking out
    writes to the table (CREATE INDEX CONCURRENTLY, so the migration must say atomic =
    False), elsewhere as AddIndex builds them. Reversed by dropping them the same way."""

    def each_index(method: str):
        def run(apps, schema_editor):
            model = apps.get_model(app_label, model_name)
            postgresql = schema_editor.connection.vendor == "postgresql"
            options = {"concurrently": True} if postgresql else {}
            for index in indexes:
                getattr(schema_editor, method)(model, index, **options)

        return run

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name, index) for index in indexes],
        database_operations=[
            migrations.RunPython(each_index("add_index"), each_index("remove_index"))
        ],
    )


def postgresql_only(statements: list[str]):
    """A RunPython operation's function running `statements` on PostgreSQL, nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run
