"""workbench: complaint analysis, root causes (fishbone, FMEA) and corrective actions."""

import importlib
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

# ``audit`` sets SQLAlchemy listeners on the model classes, which must exist before any model is defined.
from workbench import api, audit, cli, errors, i18n, limits, live, navigation, progress, revalidation, static_files  # noqa: F401
from workbench.auth.loaders import register_loaders
from workbench.config import DEFAULTS, from_environment
from workbench.extensions import babel, csrf, db, login_manager, migrate
from workbench.registry import registry_of

ROOT = Path(__file__).resolve().parent.parent

# The core's own pages, then the capabilities in the order of the flow. Each package has one
# ``init_app(app)`` that registers its blueprint(s), API routes, commands, navigation entries,
# panels, home cards, demo steps and hook implementations. Panels, cards and demo steps show
# and run in this order.
CORE_PACKAGES = ("workbench.auth", "workbench.main", "workbench.admin", "workbench.api")
CAPABILITIES = (
    "workbench.complaint_import",
    "workbench.teams",
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
    _secure_cookies_and_proxies(app)
    register_extensions(app)
    register_capabilities(app)
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


def _secure_cookies_and_proxies(app: Flask) -> None:
    """Cookies only over HTTPS outside debug and testing; client address and scheme from trusted proxies."""
    relaxed = app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1"
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = not relaxed
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only the headers added by our own proxies are believed; without this, anyone could
        # claim any address in X-Forwarded-For (and dodge sign-in throttling).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=proxies)


def register_extensions(app: Flask) -> None:
    """Bind the extensions of ``workbench.extensions`` to ``app``."""
    limits.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    register_loaders(login_manager)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(i18n.translation_directories())
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    navigation.init_app(app)
    live.init_app(app)
    revalidation.init_app(app)
    progress.init_app(app)
    static_files.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)


def _sqlite_pragmas(app: Flask) -> None:
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def register_capabilities(app: Flask) -> None:
    """Call ``init_app`` of the core packages and every capability, then mount the API they added."""
    registry = registry_of(app)
    for name in CORE_PACKAGES + CAPABILITIES:
        importlib.import_module(name).init_app(app)
        registry.capabilities.append(name)
    api.install(app)


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
    errors.register(app)


def register_commands(app: Flask) -> None:
    """Add the core's ``flask`` CLI commands (capabilities add theirs in ``init_app``)."""
    cli.register(app)
