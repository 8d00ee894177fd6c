"""The top navigation. Capabilities add their entries to ``NAV``."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles allowed or None for everyone signed in)
NAV: list[tuple[str, object, tuple[str, ...] | None]] = [
    ("main.index", _l("Home"), None),
    ("teams.project_list", _l("Projects"), None),
    ("teams.team_list", _l("Teams"), None),
    ("complaints.complaint_list", _l("Complaints"), None),
    ("complaints.analysis_page", _l("Pareto"), None),
    ("complaints.review", _l("Review queue"), ("admin", "quality_manager", "member")),
    ("complaints.imports", _l("Import"), ("admin", "quality_manager")),
    ("actions.dashboard_page", _l("Dashboard"), None),
    ("fmea.fmea_list", _l("FMEA"), None),
    ("admin.process_owners", _l("Process owners"), ("admin", "quality_manager")),
    ("admin.users", _l("Users"), ("admin",)),
]


def nav_items() -> list[tuple[str, str]]:
    """The entries the current user may open, in order."""
    items = []
    for endpoint, label, roles in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if roles is None or current_user.role in roles:
            items.append((endpoint, str(label)))
    return items


def init_app(app) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
