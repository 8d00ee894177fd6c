"""Ishikawa (fishbone) diagrams built live in a meeting, rendered and exported on the server."""

from flask import Blueprint, Flask

from workbench import live
from workbench.api.routes import add_routes
from workbench.registry import DEMO_STEPS, PROJECT_PANELS

bp = Blueprint("fishbone", __name__)

from workbench.fishbone import api, cli, demo, panels, routes  # noqa: E402  (the routes decorate ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_routes(app, api.bp)
    live.answer_with(app, "fishbone", api.meeting_answer)
    cli.register(app)
    PROJECT_PANELS.add(app, panels.project_panel)
    DEMO_STEPS.add(app, demo.demo_fishbones)


__all__ = ["bp", "init_app", "routes"]
