"""Corrective actions, project lifecycle, effectiveness, dashboard and traceability."""

from flask import Blueprint

bp = Blueprint("actions", __name__)

from workbench.actions import hooks, labels, lifecycle, links, models, routes, routes_dashboard  # noqa: E402,F401

links.register()

bp.record_once(labels.init_app)
bp.record_once(labels.init_filters)
