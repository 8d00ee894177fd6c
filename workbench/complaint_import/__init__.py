"""Complaint and survey import, classification, themes and Pareto analysis."""

from flask import Blueprint

bp = Blueprint("complaints", __name__)

from workbench.complaint_import import models  # noqa: E402,F401
