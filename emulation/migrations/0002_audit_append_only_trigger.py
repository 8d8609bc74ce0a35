from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION emulation_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'emulation_auditentry is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER emulation_auditentry_append_only
    BEFORE UPDATE OR DELETE ON emulation_auditentry
    FOR EACH ROW EXECUTE FUNCTION emulation_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS emulation_auditentry_append_only ON emulation_auditentry;
DROP FUNCTION IF EXISTS emulation_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    # SQLite (quick start) relies on the model's refusal; PostgreSQL enforces it in the database.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
