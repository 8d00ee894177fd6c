from flask import Blueprint

bp = Blueprint("teams", __name__)

from workbench.teams import routes  # noqa: E402,F401
