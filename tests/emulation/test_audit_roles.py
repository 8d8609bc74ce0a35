"""On PostgreSQL the audit log cannot be rewritten: not by TRUNCATE, and not at all by the
application's own role in the two-role set-up of docs/operations.md."""

import pytest
from django.db import DatabaseError, connection, transaction

from emulation.audit import log_action
from emulation.checks import audit_role_problems, check_audit_role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database enforces this on PostgreSQL only"
)

APP_ROLE = "portal_app_role_test"
# What docs/operations.md has the owner grant the application's role.
GRANTS = f"""
CREATE ROLE {APP_ROLE} NOLOGIN;
GRANT USAGE ON SCHEMA public TO {APP_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
"""


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(excinfo.value)


@pytest.fixture
def an_entry(db, bloc_year):
    return log_action("blocs.bloc_year.updated", bloc_year, actor=None, data={"notes": "x"})


@pytest.fixture
def app_role(db):
    """The application's role, granted as the deployment guide says, then the migration's revoke
    applied again (it ran before this role existed)."""
    from importlib import import_module

    revoke = import_module("emulation.migrations.0007_audit_refuses_truncate").REVOKE
    with connection.cursor() as cursor:
        cursor.execute(GRANTS)
        cursor.execute(revoke, [])  # with parameters, as the migration runs it: %% is one %
        cursor.execute(f"SET ROLE {APP_ROLE}")
    yield APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_truncate_is_refused_unless_the_session_deliberately_allows_it(an_entry):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.allow_audit_truncate = 'off'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
    assert "TRUNCATE refused" in _refused("TRUNCATE emulation_auditentry")


def test_the_application_role_can_add_entries_but_not_change_empty_or_unprotect_them(
    an_entry, app_role
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM emulation_auditentry")
        assert cursor.fetchone()[0] >= 1
    log_action("blocs.bloc_year.updated", None, actor=None, data={"notes": "y"})
    assert "permission denied" in _refused("UPDATE emulation_auditentry SET actor_name = 'x'")
    assert "permission denied" in _refused("DELETE FROM emulation_auditentry")
    assert "permission denied" in _refused("TRUNCATE emulation_auditentry")
    assert "must be owner" in _refused("ALTER TABLE emulation_auditentry DISABLE TRIGGER ALL")
    assert audit_role_problems(connection) == []
    assert check_audit_role(databases=["default"]) == []


def test_the_check_warns_when_the_application_runs_as_the_owner(an_entry):
    problems = audit_role_problems(connection)
    assert "owns the table (can disable its triggers)" in problems
    [warning] = check_audit_role(databases=["default"])
    assert warning.id == "emulation.W001"
