"""``flask --app wsgi ...`` commands of the core: users, tokens, demo data, backup."""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from workbench import pg_security
from workbench.audit import acting_as
from workbench.config import _normalise_db_url
from workbench.demo import DEMO_PASSWORD, load_demo
from workbench.extensions import db
from workbench.models import ApiToken, User
from workbench.roles import ROLES, Role
from workbench.uploads.cli import uploads_command
from workbench.users import create_user
from workbench.validation import InvalidInput


def register(app) -> None:
    app.cli.add_command(uploads_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(secure_postgres_command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default=Role.MEMBER.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
@click.option("--lang", "locale", type=click.Choice(["fa", "en"]), default=None)
def create_user_command(email, role, password, name, locale):
    """Create a user who can sign in."""
    with acting_as("cli"):
        try:
            user = create_user(email, name, role, password, locale)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True)
def create_token_command(email, name):
    """Create an API token for a user and print it once."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    token, raw = ApiToken.issue(user, name)
    db.session.add(token)
    db.session.commit()
    click.echo(raw)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
@click.option("--address", default="http://127.0.0.1:5000", show_default=True,
              help="Where the app is served (make run passes http://HOST:PORT), for the sign-in message.")
def demo_command(if_empty, address):
    """Load the demo organisation (users, teams, projects, complaints)."""
    address = address.rstrip("/")
    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo(f"The database already has users; demo not loaded. Sign in at {address}/login")
        return
    with acting_as("demo"):
        summary = load_demo()
    click.echo("Demo organisation loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    click.echo(f"Sign in at {address}/login as qm@demo.example / {DEMO_PASSWORD}")
    click.echo("(also admin@demo.example, member roles and viewer@demo.example; same password)")


@click.command("backup")
@click.argument("destination", required=False)
def backup_command(destination):
    """Copy the database safely while the app runs (SQLite online backup, or pg_dump)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backups = Path(current_app.instance_path) / "backups"
    if url.get_backend_name() == "sqlite":
        source = url.database
        if not source or source == ":memory:":
            raise click.ClickException("An in-memory database cannot be backed up.")
        target = Path(destination or backups / f"workbench-{stamp}.sqlite")
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # consistent copy even while the app writes
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException("pg_dump is not installed (apt-get install postgresql-client).")
        target = Path(destination or backups / f"workbench-{stamp}.dump")
        target.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = url.password
        args = [pg_dump, "--format=custom", "--file", str(target), "--host", url.host or "localhost", "--port", str(url.port or 5432)]
        if url.username:
            args += ["--username", url.username]
        args.append(url.database)
        result = subprocess.run(args, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise click.ClickException(f"Backups of {url.get_backend_name()} are not supported.")
    click.echo(f"Backup written to {target} ({target.stat().st_size} bytes).")


@click.command("secure-postgres")
@click.option("--app-role", default=None, help="The role the app connects as (default: the user of DATABASE_URL).")
@click.option("--owner-role", default="workbench_audit_owner", show_default=True, help="Role (no login) that will own audit_log.")
@click.option("--admin-url", default=None, help="A superuser's connection to the same database (default: DATABASE_URL).")
def secure_postgres_command(app_role, owner_role, admin_url):
    """Make audit_log append-only for the app's role on PostgreSQL (SELECT and INSERT only)."""
    url = make_url(_normalise_db_url(admin_url) if admin_url else current_app.config["SQLALCHEMY_DATABASE_URI"])
    if not url.drivername.startswith("postgresql"):
        raise click.ClickException("secure-postgres is for PostgreSQL; on SQLite protect the database file instead.")
    app_role = app_role or make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).username
    if not app_role:
        raise click.ClickException("Name the app's role with --app-role.")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            report = pg_security.secure(conn, app_role, owner_role)
            problems = pg_security.check(conn, app_role)
            if problems:
                raise pg_security.SetupError("; ".join(problems))
    except pg_security.SetupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    for line in report.done:
        click.echo(line)
    click.echo(f"{app_role} can no longer change, delete, truncate or alter audit_log, nor disable its trigger.")
