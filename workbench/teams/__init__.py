"""Teams (2-6 members) and improvement projects with their stage."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from workbench.api.routes import add_routes
from workbench.complaint_import.hooks import PROJECT_COMPLAINTS, THEME_ACTIONS, THEMES_REBUILT
from workbench.registry import DEMO_STEPS, HOME_CARDS, PEOPLE_SCOPES, PROJECT_PANELS, add_nav

bp = Blueprint("teams", __name__)

from workbench.teams import access, api, demo, home, labels, routes, theme_hooks, theme_link  # noqa: E402  (the routes decorate ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_routes(app, api.bp)
    labels.init_app(app)
    PROJECT_PANELS.add(app, theme_hooks.project_panel)
    PROJECT_COMPLAINTS.add(app, theme_hooks.project_complaints)
    THEME_ACTIONS.add(app, theme_hooks.theme_actions)
    THEMES_REBUILT.add(app, theme_link.follow_themes)
    add_nav(app, "teams.project_list", _l("Projects"), order=10)
    add_nav(app, "teams.team_list", _l("Teams"), order=11)
    HOME_CARDS.add(app, home.stages_section, order=home.STAGES_ORDER)
    HOME_CARDS.add(app, home.projects_section, order=home.PROJECTS_ORDER)
    DEMO_STEPS.add(app, demo.demo_teams)
    PEOPLE_SCOPES.add(app, access.team_mates)


__all__ = ["bp", "init_app", "routes"]
