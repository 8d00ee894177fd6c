"""Signing in and out, password changes (core)."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)

from workbench.auth import routes  # noqa: E402,F401  (the routes decorate ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
