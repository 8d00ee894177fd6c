"""The home page: what needs attention for the signed-in user."""

from flask import render_template
from flask_login import current_user, login_required

from workbench.main import bp
from workbench.main.services import home_summary


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", summary=home_summary(current_user))


@bp.route("/healthz")
def healthz():
    from sqlalchemy import text

    from workbench.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
