"""A backup is as good as its restore: the database dumped with pg_dump and restored into a fresh
database, the stored files copied beside it, and every issued document still verifies and the
audit log is whole, its append-only trigger included (docs/operations.md, "Backups")."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from emulation.models import AuditEntry
from tests.factories import issued_document

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server() -> list[str]:
    settings = connection.settings_dict
    args = ["-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    return args + (["-p", str(settings["PORT"])] if settings["PORT"] else [])


def _url(database: str) -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER'] or 'postgres'}@{host}:{port}/{database}"


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


def test_a_restored_backup_verifies_every_document_and_keeps_the_audit_log(
    settings, tmp_path, bloc_year, province_staff
):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("pg_dump and pg_restore back up PostgreSQL")
    settings.MEDIA_ROOT = tmp_path / "media"
    documents = [issued_document(bloc_year, actor=province_staff) for _ in range(3)]
    audit = list(AuditEntry.objects.order_by("pk").values_list("pk", "action", "object_id"))
    assert len(audit) >= len(documents)

    name = connection.settings_dict["NAME"]
    restored = f"{name}_restored"
    dump = tmp_path / "portal.dump"
    _run("pg_dump", "--format=custom", f"--file={dump}", *_server(), name)
    _run("dropdb", "--if-exists", *_server(), restored)
    _run("createdb", *_server(), restored)
    try:
        _run(
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={restored}",
            *_server(),
            str(dump),
        )
        shutil.copytree(tmp_path / "media", tmp_path / "restored-media")
        environment = {
            **os.environ,
            "DATABASE_URL": _url(restored),
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
        }
        report = subprocess.run(
            [sys.executable, "manage.py", "verify_documents", "--json"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert report.returncode == 0, report.stderr
        figures = json.loads(report.stdout)
        assert figures["checked"] == len(documents)
        assert figures["missing"] == figures["changed"] == []

        with psycopg.connect(_url(restored)) as restored_db:
            rows = restored_db.execute(
                "SELECT id, action, object_id FROM emulation_auditentry ORDER BY id"
            ).fetchall()
            assert rows == audit
            # The append-only trigger came back with the data.
            with pytest.raises(psycopg.errors.RaiseException):
                restored_db.execute("DELETE FROM emulation_auditentry")
    finally:
        _run("dropdb", "--if-exists", *_server(), restored)
