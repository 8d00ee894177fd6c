"""What teams adds to the complaint pages and the project page about themes
(registered in ``workbench.teams.init_app``)."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from workbench.complaint_import.models import Theme
from workbench.extensions import db
from workbench.roles import Role
from workbench.teams import theme_link
from workbench.teams.access import team_scope
from workbench.teams.models import ImprovementProject
from workbench.teams.services import get_project


def project_complaints(project_id: int, user):
    """``complaint_import.hooks.PROJECT_COMPLAINTS``: the linked complaints of a project ``user`` may see (404 otherwise)."""
    return theme_link.linked_ids(get_project(project_id, user).id)


def theme_actions(theme: Theme, user) -> list[dict]:
    """``complaint_import.hooks.THEME_ACTIONS``: the projects started from the theme, and starting one."""
    projects = db.session.scalars(
        team_scope(select(ImprovementProject).where(ImprovementProject.theme_id == theme.id), ImprovementProject.team_id, user)
        .order_by(ImprovementProject.id)
    )
    actions = [{"label": _("Project: %(title)s", title=p.title), "url": url_for("teams.project_detail", project_id=p.id)} for p in projects]
    if user.role != Role.VIEWER and theme.active:  # a retired theme has no complaints left to link
        actions.append({"label": _("Start a project from this theme"), "url": url_for("teams.project_from_theme", theme_id=theme.id), "button": True})
    return actions


def project_panel(project: ImprovementProject, user) -> dict | None:
    """Project page panel: the theme the project came from and its linked complaints."""
    count, followed = theme_link.linked_counts(project)
    theme = theme_link.theme_of(project)
    if not count and theme is None:
        return None
    summary = _("%(count)d linked complaints", count=count)
    if followed:
        summary += " " + _("(%(count)d of them from later imports)", count=followed)
    if theme is not None:
        summary = _("Theme: %(name)s", name=theme.name) + " · " + summary
    return {"title": _("Complaints"), "url": url_for("complaints.complaint_list", project=project.id), "summary": summary}
