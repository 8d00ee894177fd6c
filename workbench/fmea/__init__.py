"""FMEA: AIAG-VDA tables with RPN and Action Priority, revisions, reports and Excel round trip."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.api.routes import add_routes
from workbench.fishbone import services as fishbone
from workbench.fmea.priority import action_priority, rpn
from workbench.registry import DEMO_STEPS, HOME_CARDS, PROJECT_PANELS, add_nav

bp = Blueprint("fmea", __name__)

from workbench.fmea import (  # noqa: E402  (the routes decorate ``bp``)
    api,
    api_import,
    api_standalone,
    cli,
    demo,
    links,
    panels,
    routes,
    routes_files,
    routes_history,
    routes_import,
    routes_standalone,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_routes(app, api.bp)
    add_routes(app, api_standalone.bp)
    add_routes(app, api_import.bp)
    cli.register(app)
    add_nav(app, "fmea.fmea_list", _l("FMEA"), order=40)
    PROJECT_PANELS.add(app, panels.project_panel)
    HOME_CARDS.add(app, panels.home_card)
    DEMO_STEPS.add(app, demo.demo_fmea)
    fishbone.ROOT_CAUSE_SINKS.add(app, links.send_causes_to_fmea)
    fishbone.CAUSE_LINK_SOURCES.add(app, links.fmea_rows_of_causes)
    fishbone.ROOT_CAUSE_DESTINATIONS.add(app, links.fmea_rows_for_root_causes)


__all__ = [
    "action_priority", "bp", "init_app", "routes", "routes_files", "routes_history", "routes_import", "routes_standalone", "rpn",
]
