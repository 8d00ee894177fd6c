"""Corrective actions, project lifecycle, effectiveness, dashboard and traceability."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.api.routes import add_routes
from workbench.fishbone import services as fishbone
from workbench.fmea import services as fmea
from workbench.registry import DEMO_STEPS, HOME_CARDS, PROJECT_PANELS, add_nav
from workbench.teams import stages

bp = Blueprint("actions", __name__)

from workbench.actions import (  # noqa: E402  (the routes decorate ``bp``)
    api,
    api_dashboard,
    cli,
    fmea_link,
    labels,
    lifecycle,
    links,
    panels,
    report,
    routes,
    routes_dashboard,
    trace,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_routes(app, api.bp)
    add_routes(app, api_dashboard.bp)
    cli.register(app)
    labels.init_app(app)
    add_nav(app, "actions.dashboard_page", _l("Dashboard"), order=30)
    for panel in (panels.actions_panel, panels.lifecycle_panel, panels.effectiveness_panel, panels.trace_panel, panels.report_panel):
        PROJECT_PANELS.add(app, panel)
    HOME_CARDS.add(app, panels.my_actions_card)
    DEMO_STEPS.add(app, panels.demo_actions)
    # Closing a project: the gates and the sign-off; FMEA rows with actions must be re-rated first.
    stages.STAGE_GATES.add(app, lifecycle.stage_gate)
    lifecycle.CLOSE_CHECKS.add(app, fmea_link.fmea_rerated_check)
    # A row's recommended action is a corrective action: rows show theirs and create them.
    fmea.ROW_ACTION_SOURCES.add(app, fmea_link.actions_for_rows)
    fmea.ROW_ACTION_CREATORS.add(app, fmea_link.create_from_row)
    # What this package shows from the fishbone and the FMEA: actions on causes, 8D report, trace graph.
    fishbone.CAUSE_LINK_SOURCES.add(app, links.actions_of_causes)
    report.REPORT_FISHBONE.add(app, links.report_fishbone)
    report.REPORT_ROOT_CAUSES.add(app, links.report_root_causes)
    report.REPORT_FMEA.add(app, links.report_fmea)
    trace.NODE_DESCRIBERS.add(app, links.describe_node)
    trace.GRAPH_EXTENDERS.add(app, links.extend_graph)


__all__ = ["bp", "init_app", "routes", "routes_dashboard"]
