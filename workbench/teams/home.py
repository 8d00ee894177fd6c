"""The teams' sections of the home page (added by ``workbench.teams.init_app``)."""

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select

from workbench.extensions import db
from workbench.models import User
from workbench.teams import services
from workbench.teams.access import team_scope
from workbench.teams.models import STAGES, ImprovementProject

# Shown first (projects by stage) and last (recent projects, the user's teams), around the other cards.
STAGES_ORDER = -100
PROJECTS_ORDER = 100


def stages_section(user: User) -> dict:
    """How many projects the user sees in each stage, each linking to the filtered list."""
    stmt = select(ImprovementProject.stage, func.count()).group_by(ImprovementProject.stage)
    by_stage = dict(db.session.execute(team_scope(stmt, ImprovementProject.team_id, user)).all())
    return {"section": Markup(render_template("teams/_home_stages.html", stages=STAGES, by_stage=by_stage))}


def projects_section(user: User) -> dict:
    """The eight newest projects and the teams the user sees."""
    projects = list(db.session.scalars(services.projects_for(user).limit(8)))
    html = render_template("teams/_home_projects.html", projects=projects, teams=services.team_names_for(user))
    return {"section": Markup(html)}
