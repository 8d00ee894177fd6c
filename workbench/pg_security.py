"""PostgreSQL set-up that keeps the audit trail out of the app's reach (``flask --app wsgi secure-postgres``).

The app's login role keeps owning the business tables (migrations create them), but
``audit_log``, its id sequence and its append-only trigger function belong to a separate role
that cannot log in. The app's role gets ``SELECT`` and ``INSERT`` on ``audit_log`` and nothing
else, so it cannot ``UPDATE``, ``DELETE`` or ``TRUNCATE`` rows, ``ALTER`` the table, disable or drop
its trigger, or replace the trigger function. A role that owns the schema could still drop the
table, so the ``public`` schema (and the database) are moved to the administrator when the
app's role owns them; the app's role keeps ``USAGE`` and ``CREATE`` on the schema for migrations.
"""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection


class SetupError(Exception):
    """The set-up cannot be applied (message says why and what to do)."""


@dataclass
class Report:
    done: list[str] = field(default_factory=list)


def _ident(conn: Connection, name: str) -> str:
    return conn.scalar(text("SELECT quote_ident(:name)"), {"name": name})


def secure(conn: Connection, app_role: str, owner_role: str) -> Report:
    """Apply the set-up on ``conn`` (an administrator's connection, inside one transaction)."""
    report = Report()
    admin = conn.scalar(text("SELECT current_user"))
    superuser = conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not superuser:
        raise SetupError(f"Run this as a PostgreSQL superuser (connected as {admin}): pass --admin-url postgresql://postgres@host/db.")
    if app_role in (admin, owner_role):
        raise SetupError(f"The app's role ({app_role}) must be neither the administrator ({admin}) nor the audit owner role.")
    app_super = conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": app_role})
    if app_super is None:
        raise SetupError(f"There is no role {app_role}.")
    if app_super:
        raise SetupError(f"The app's role {app_role} is a superuser, which no set-up can restrict: connect the app as an ordinary role.")
    if conn.scalar(text("SELECT to_regclass('audit_log')")) is None:
        raise SetupError("There is no audit_log table: run flask --app wsgi db upgrade first.")
    app, owner = _ident(conn, app_role), _ident(conn, owner_role)
    if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": owner_role}) is None:
        conn.execute(text(f"CREATE ROLE {owner} NOLOGIN"))
        report.done.append(f"created role {owner_role} (cannot log in)")
    if conn.scalar(text("SELECT pg_has_role(:app, :owner, 'MEMBER')"), {"app": app_role, "owner": owner_role}):
        conn.execute(text(f"REVOKE {owner} FROM {app}"))
        report.done.append(f"{app_role} is no longer a member of {owner_role}")
    conn.execute(text(f"ALTER TABLE audit_log OWNER TO {owner}"))  # its id sequence follows
    conn.execute(text(f"ALTER FUNCTION audit_log_append_only() OWNER TO {owner}"))
    conn.execute(text("REVOKE ALL ON FUNCTION audit_log_append_only() FROM PUBLIC"))
    report.done.append(f"audit_log, its id sequence and audit_log_append_only() now belong to {owner_role}")
    conn.execute(text(f"REVOKE ALL ON audit_log FROM PUBLIC, {app}"))
    conn.execute(text(f"GRANT SELECT, INSERT ON audit_log TO {app}"))
    sequence = conn.scalar(text("SELECT pg_get_serial_sequence('audit_log', 'id')"))
    if sequence:
        conn.execute(text(f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {app}"))
        conn.execute(text(f"GRANT USAGE ON SEQUENCE {sequence} TO {app}"))
    report.done.append(f"{app_role} may only SELECT and INSERT on audit_log")
    database = conn.scalar(text("SELECT current_database()"))
    if conn.scalar(text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")) == app_role:
        conn.execute(text(f"ALTER DATABASE {_ident(conn, database)} OWNER TO {_ident(conn, admin)}"))
        conn.execute(text(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(conn, database)} TO {app}"))
        report.done.append(f"database {database} now belongs to {admin} ({app_role} keeps CONNECT)")
    schema_owner = conn.scalar(text("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'"))
    if schema_owner in (app_role, "pg_database_owner") and schema_owner != admin:
        conn.execute(text(f"ALTER SCHEMA public OWNER TO {_ident(conn, admin)}"))
        report.done.append(f"schema public now belongs to {admin}")
    conn.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {app}"))
    return report


def check(conn: Connection, app_role: str) -> list[str]:
    """What ``app_role`` could still do to the audit trail (empty when the set-up holds)."""
    problems = []
    for privilege in ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
        if conn.scalar(text("SELECT has_table_privilege(:r, 'audit_log', :p)"), {"r": app_role, "p": privilege}):
            problems.append(f"{app_role} has {privilege} on audit_log")
    owner = conn.scalar(text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass"))
    if conn.scalar(text("SELECT pg_has_role(:r, :o, 'USAGE')"), {"r": app_role, "o": owner}):
        problems.append(f"{app_role} acts as the owner of audit_log ({owner})")
    return problems
