"""Ishikawa (fishbone) diagrams built live in a meeting, rendered and exported on the server."""

from flask import Blueprint

bp = Blueprint("fishbone", __name__)

from workbench.fishbone import models, panels, routes  # noqa: E402,F401
from workbench.fishbone.demo import demo_fishbones  # noqa: E402


def _register() -> None:
    from workbench.demo import DEMO_STEPS
    from workbench.teams.routes import PROJECT_PANELS

    if panels.project_panel not in PROJECT_PANELS:
        PROJECT_PANELS.append(panels.project_panel)
    if demo_fishbones not in DEMO_STEPS:
        DEMO_STEPS.append(demo_fishbones)


_register()
