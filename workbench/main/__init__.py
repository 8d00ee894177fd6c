"""The home page and the health check (core): the home page shows the cards capabilities registered."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.registry import add_nav

bp = Blueprint("main", __name__)

from workbench.main import routes  # noqa: E402,F401  (the routes decorate ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(app, "main.index", _l("Home"), order=0)
