"""`manage.py check --database default`: the application's database role cannot rewrite the
audit log (docs/operations.md, "Two database roles")."""

from django.core.checks import Warning, register
from django.db import connections

AUDIT_TABLE = "emulation_auditentry"


def audit_role_problems(connection) -> list[str]:
    """What the connected role could do to the audit table that it should not (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableowner = current_user, "
            "has_table_privilege(current_user, %s, 'UPDATE'), "
            "has_table_privilege(current_user, %s, 'DELETE'), "
            "has_table_privilege(current_user, %s, 'TRUNCATE') "
            "FROM pg_tables WHERE tablename = %s AND schemaname = current_schema()",
            [AUDIT_TABLE] * 4,
        )
        row = cursor.fetchone()
    if row is None:
        return []
    owner, *rights = row
    problems = ["owns the table (can disable its triggers)"] if owner else []
    problems += [
        f"may {name} it"
        for name, held in zip(("UPDATE", "DELETE", "TRUNCATE"), rights, strict=True)
        if held
    ]
    return problems


@register("database")
def check_audit_role(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        problems = audit_role_problems(connection)
        if problems:
            messages.append(
                Warning(
                    f"The database role of {alias!r} {'; '.join(problems)}: the audit log is "
                    "protected only against mistakes, not against a leaked password.",
                    hint="Run the application as a role without these rights and migrate as "
                    "the owner (docs/operations.md, 'Two database roles').",
                    id="emulation.W001",
                )
            )
    return messages
