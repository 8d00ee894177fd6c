"""Administration of the organisation (core): users and process owners."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.registry import add_nav
from workbench.roles import MANAGERS, Role

bp = Blueprint("admin", __name__, url_prefix="/admin")

from workbench.admin import routes  # noqa: E402,F401  (the routes decorate ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(app, "admin.process_owners", _l("Process owners"), MANAGERS, order=90)
    add_nav(app, "admin.users", _l("Users"), (Role.ADMIN,), order=91)
