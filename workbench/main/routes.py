"""The home page: what needs attention for the signed-in user."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from workbench.extensions import db
from workbench.main import bp
from workbench.main.services import home_summary


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", summary=home_summary(current_user))


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """Tools that ask for /favicon.ico get the page icon (pages link it in <head>)."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
