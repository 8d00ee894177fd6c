"""Complaint and survey import, classification, themes and Pareto analysis."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.api.routes import add_routes
from workbench.registry import DEMO_STEPS, HOME_CARDS, add_nav
from workbench.roles import MANAGERS, WRITERS

bp = Blueprint("complaints", __name__)

from workbench.complaint_import import (  # noqa: E402  (the routes decorate ``bp``)
    api,
    cli,
    demo,
    labels,
    panels,
    routes,
    routes_analysis,
    routes_imports,
    routes_learning,
    routes_rules,
    routes_setup,
    routes_surveys,
    tasks,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_routes(app, api.bp)
    cli.register(app)
    tasks.init_app(app)
    labels.init_app(app)
    HOME_CARDS.add(app, panels.home_card)
    DEMO_STEPS.add(app, demo.demo_complaints)
    add_nav(app, "complaints.complaint_list", _l("Complaints"), order=20)
    add_nav(app, "complaints.analysis_page", _l("Pareto"), order=21)
    add_nav(app, "complaints.review", _l("Review queue"), WRITERS, order=22)
    add_nav(app, "complaints.imports", _l("Import"), MANAGERS, order=23)


__all__ = ["bp", "init_app", "routes", "routes_analysis", "routes_imports", "routes_learning", "routes_rules", "routes_setup", "routes_surveys"]
