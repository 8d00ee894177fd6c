"""workbench: complaint analysis, root causes (fishbone, FMEA) and corrective actions."""

import os
from pathlib import Path

from flask import Flask

from workbench.config import DEFAULTS, from_environment

ROOT = Path(__file__).resolve().parent.parent

# Capability blueprints, registered in this order. Each package defines ``bp``.
BLUEPRINTS = (
    "workbench.auth",
    "workbench.main",
    "workbench.admin",
    "workbench.api",
    "workbench.teams",
    "workbench.complaint_import",
    "workbench.fishbone",
    "workbench.fmea",
    "workbench.actions",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application; ``test_config`` overrides the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config.update(from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    _check_secret_key(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def _check_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1":
        app.config["SECRET_KEY"] = "dev-only-not-secret"
        return
    raise RuntimeError(
        "SECRET_KEY is not set. Set it in the environment (see .env.example); "
        "workbench refuses to start without it outside debug and testing."
    )


def register_extensions(app: Flask) -> None:
    """Bind the extensions of ``workbench.extensions`` to ``app``."""
    from workbench import (
        audit,  # noqa: F401  (registers the audit listeners)
        i18n,
    )
    from workbench.auth.loaders import register_loaders
    from workbench.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    register_loaders(login_manager)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(i18n.translation_directories())
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    i18n.init_app(app)
    from workbench import navigation

    navigation.init_app(app)
    from workbench.teams import labels

    labels.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event

    from workbench.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    """Register every capability's blueprint."""
    import importlib

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)


def register_security_headers(app: Flask) -> None:
    """Headers that keep pages from being framed, sniffed or leaking addresses."""

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'",
        )
        return response


def register_errorhandlers(app: Flask) -> None:
    """Render errors as pages, or JSON under /api."""
    from workbench.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the ``flask`` CLI commands."""
    from workbench.cli import register

    register(app)
