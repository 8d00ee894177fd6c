"""Ishikawa (fishbone) diagrams built live in a meeting, rendered and exported on the server."""

from flask import Blueprint

bp = Blueprint("fishbone", __name__)

from workbench.fishbone import models, routes  # noqa: E402,F401
