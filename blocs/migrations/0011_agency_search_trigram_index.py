"""A trigram index for the folded agency search on PostgreSQL (`search_name LIKE '%word%'`).

A btree cannot serve a LIKE with a leading wildcard, so 10,000 agencies were read one by one;
pg_trgm's GIN index can. SQLite keeps today's path (its tables are small), so this runs on
PostgreSQL only. pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner, which
runs the migrations, may create it (docs/operations.md).
"""

from django.db import migrations

INDEX = "blocs_agency_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON blocs_agency USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("blocs", "0010_calendar_and_liaison_user")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
