"""Migrations match the models and form one history per app."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def test_no_model_change_is_missing_a_migration(db):
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{output.getvalue()}")


def test_no_app_has_two_migration_leaves():
    conflicts = MigrationLoader(None, ignore_no_migrations=True).detect_conflicts()
    assert not conflicts, f"Run `manage.py makemigrations --merge`: {conflicts}"


def test_the_test_database_is_fully_migrated(db):
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert not pending, f"Unapplied migrations: {[migration for migration, _ in pending]}"
