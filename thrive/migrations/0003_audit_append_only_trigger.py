"""On PostgreSQL the database itself refuses to change or delete audit rows, whatever the
application does. (The application also refuses; that holds on SQLite too.) TRUNCATE is left
to the database owner, which the test suite's flush uses; the app never truncates."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION thrive_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'the audit trail is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER thrive_auditevent_append_only
    BEFORE UPDATE OR DELETE ON thrive_auditevent
    FOR EACH ROW EXECUTE FUNCTION thrive_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS thrive_auditevent_append_only ON thrive_auditevent;
DROP FUNCTION IF EXISTS thrive_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("thrive", "0002_acceptable_use_policy_v1")]
    operations = [migrations.RunPython(create, drop)]
