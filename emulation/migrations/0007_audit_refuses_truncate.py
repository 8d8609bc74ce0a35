"""The audit table refuses TRUNCATE too, and only its owner keeps UPDATE, DELETE and TRUNCATE.

Run as the owning role (docs/operations.md, two roles): the application's role is left with
SELECT and INSERT on the table, cannot alter it or its triggers, and so cannot rewrite history
even when its password leaks. The owner can still empty the table only after
`SET portal.allow_audit_truncate = 'on'` (the test suite does, between browser tests).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION emulation_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'emulation_auditentry is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER emulation_auditentry_no_truncate
    BEFORE TRUNCATE ON emulation_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION emulation_auditentry_no_truncate();
"""

# Every role but the owner loses the rights to change or empty the table.
REVOKE = """
REVOKE UPDATE, DELETE, TRUNCATE ON emulation_auditentry FROM PUBLIC;
DO $$
DECLARE
    grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT grants.grantee
        FROM information_schema.role_table_grants AS grants
        JOIN pg_tables AS tables
            ON tables.tablename = grants.table_name AND tables.schemaname = grants.table_schema
        WHERE grants.table_name = 'emulation_auditentry'
            AND grants.table_schema = current_schema()
            AND grants.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
            AND grants.grantee NOT IN (tables.tableowner, 'PUBLIC')
    LOOP
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE ON emulation_auditentry FROM %%I', grantee_name
        );
    END LOOP;
END
$$;
"""

DROP = """
DROP TRIGGER IF EXISTS emulation_auditentry_no_truncate ON emulation_auditentry;
DROP FUNCTION IF EXISTS emulation_auditentry_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(REVOKE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0006_user_flags_and_notifications")]
    operations = [migrations.RunPython(forwards, backwards)]
