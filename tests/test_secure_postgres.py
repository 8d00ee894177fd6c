"""``flask --app wsgi secure-postgres``: the app's role can only read and add audit rows."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

FORBIDDEN = [
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER USER",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "DROP TABLE audit_log CASCADE",
    "ALTER TABLE audit_log DROP COLUMN old_value",
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
]


def _is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def roles(app, db):
    """A login role for the app in the state the issue found: it owns audit_log and its trigger function."""
    if not _is_postgres(app):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    app_role, owner_role = "wb_app_" + uuid.uuid4().hex[:10], "wb_audit_" + uuid.uuid4().hex[:10]
    schema_owner = db.session.scalar(text("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'"))
    for statement in (
        f"CREATE ROLE {app_role} LOGIN",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {app_role}",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {app_role}",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {app_role}",
        f"ALTER TABLE audit_log OWNER TO {app_role}",
        f"ALTER FUNCTION audit_log_append_only() OWNER TO {app_role}",
    ):
        db.session.execute(text(statement))
    db.session.commit()
    yield app_role, owner_role
    db.session.rollback()
    for statement in (
        "ALTER TABLE audit_log OWNER TO CURRENT_USER",
        "ALTER FUNCTION audit_log_append_only() OWNER TO CURRENT_USER",
        f'ALTER SCHEMA public OWNER TO "{schema_owner}"',
        f"DROP OWNED BY {app_role}",
        f"DROP ROLE {app_role}",
    ):
        db.session.execute(text(statement))
    if db.session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": owner_role}):
        db.session.execute(text(f"DROP OWNED BY {owner_role}"))
        db.session.execute(text(f"DROP ROLE {owner_role}"))
    db.session.commit()


@pytest.fixture
def as_app_role(app, roles):
    """Run one statement as the app's role in its own transaction; True when PostgreSQL allowed it (rolled back)."""
    engine = create_engine(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(username=roles[0], password=None))

    def run(statement: str) -> bool:
        with engine.connect() as conn:
            try:
                conn.execute(text(statement))
            except DBAPIError as error:
                assert "permission denied" in str(error) or "must be owner" in str(error), str(error)
                return False
            finally:
                conn.rollback()
            return True

    yield run
    engine.dispose()


def _audit_rows(db) -> int:
    count = db.session.scalar(text("SELECT count(*) FROM audit_log"))
    db.session.commit()  # hold no lock on audit_log while the app's role tries its statements
    return count


def test_after_secure_postgres_the_app_role_cannot_erase_history(app, db, runner, roles, as_app_role, make_user):
    app_role, owner_role = roles
    make_user()  # some history to protect
    before = _audit_rows(db)
    assert before > 0
    # The state the issue found: the app's role can truncate and switch the trigger off.
    assert as_app_role("TRUNCATE audit_log") is True
    assert as_app_role("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only") is True

    result = runner.invoke(args=["secure-postgres", "--app-role", app_role, "--owner-role", owner_role])
    assert result.exit_code == 0, result.output
    assert f"audit_log, its id sequence and audit_log_append_only() now belong to {owner_role}" in result.output

    refused = [statement for statement in FORBIDDEN if not as_app_role(statement)]
    assert refused == FORBIDDEN
    assert as_app_role("SELECT count(*) FROM audit_log") is True
    assert _audit_rows(db) == before

    # The app itself, connected as that role, still records its changes.
    from workbench import create_app
    from workbench.extensions import db as app_db
    from workbench.models import AuditLog
    from workbench.users import create_user

    as_app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(username=app_role).render_as_string(hide_password=False))})
    try:
        with as_app.app_context():
            user = create_user("new@corp.local", "New", "member", "long enough pw")
            app_db.session.commit()
            assert app_db.session.scalar(app_db.select(app_db.func.count()).select_from(AuditLog).where(AuditLog.record_id == str(user.id), AuditLog.table_name == "users")) > 0
            app_db.session.remove()
    finally:
        with as_app.app_context():
            app_db.engine.dispose()
    assert _audit_rows(db) > before

    # Running it again changes nothing and still holds.
    again = runner.invoke(args=["secure-postgres", "--app-role", app_role, "--owner-role", owner_role])
    assert again.exit_code == 0, again.output


def test_refuses_a_superuser_app_role(app, runner, roles):
    result = runner.invoke(args=["secure-postgres", "--app-role", "postgres", "--owner-role", roles[1]])
    assert result.exit_code != 0
    assert "superuser" in result.output or "administrator" in result.output


def test_on_sqlite_it_says_what_to_do(app, runner):
    if _is_postgres(app):
        pytest.skip("SQLite only")
    result = runner.invoke(args=["secure-postgres", "--app-role", "x"])
    assert result.exit_code != 0 and "for PostgreSQL" in result.output
