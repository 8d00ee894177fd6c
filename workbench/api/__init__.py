"""The JSON API under /api/v1. Each capability adds its routes in its own ``api.py``."""

import importlib

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Modules that add routes (and their OpenAPI paths) to ``bp``.
API_MODULES = (
    "workbench.api.core",
    "workbench.teams.api",
    "workbench.complaint_import.api",
    "workbench.fishbone.api",
    "workbench.fmea.api",
    "workbench.fmea.api_standalone",
    "workbench.actions.api",
    "workbench.actions.api_dashboard",
)

from workbench.api import common  # noqa: E402,F401  (auth, CSRF and JSON rules)

for _name in API_MODULES:
    importlib.import_module(_name)
