"""FMEA: AIAG-VDA tables with RPN and Action Priority, revisions, reports and Excel round trip."""

from flask import Blueprint

from workbench.fmea.priority import action_priority, rpn

bp = Blueprint("fmea", __name__)

__all__ = ["action_priority", "bp", "rpn"]

from workbench.fmea import (  # noqa: E402,F401
    hooks,  # noqa: E402,F401  (panel, home card and demo registration)
    models,
    routes,
    routes_files,
    routes_history,
    routes_standalone,
)
