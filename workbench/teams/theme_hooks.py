"""What teams adds to the complaint pages and the project page about themes
(registered in ``workbench.teams.init_app``)."""

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from workbench import i18n
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
    """``complaint_import.hooks.THEME_ACTIONS``: the projects started from the theme or following it (a later
    build put their problem's newer complaints in it), and starting one."""
    P = ImprovementProject
    projects = db.session.scalars(
        team_scope(select(P).where(or_(P.theme_id == theme.id, P.id.in_(theme_link.projects_following(theme.id)))), P.team_id, user)
        .order_by(P.id)
    )
    actions = [
        {"label": (_("Project: %(title)s", title=i18n.isolate(p.title)) if p.theme_id == theme.id
                   else _("Project: %(title)s (follows its problem into this theme)", title=i18n.isolate(p.title))),
         "url": url_for("teams.project_detail", project_id=p.id)}
        for p in projects
    ]
    if user.role != Role.VIEWER and theme.active:  # a retired theme has no complaints left to link
        actions.append({"label": _("Start a project from this theme"), "url": url_for("teams.project_from_theme", theme_id=theme.id), "button": True})
    return actions


def short(name: str, limit: int = 60) -> str:
    """A theme's name cut to ``limit`` characters (a name may be a whole complaint), isolated from the text around
    it (U+2068 … U+2069), so a Persian name in an English sentence, or the reverse, keeps its own direction."""
    return i18n.isolate(name if len(name) <= limit else name[: limit - 1].rstrip() + "…")


def project_panel(project: ImprovementProject, user) -> dict | None:
    """Project page panel: the theme the project came from and its linked complaints."""
    count, followed = theme_link.linked_counts(project)
    theme = theme_link.theme_of(project)
    if not count and theme is None:
        return None
    summary = _("%(count)d linked complaints", count=count)
    if followed:
        summary += " " + _("(%(count)d of them from later imports)", count=followed)
    language = str(get_locale())
    following = theme_link.following_themes(project)
    # «·» beside Persian digits reads as a zero (see ``i18n.join_list``).
    dot = "؛ " if i18n.is_persian() else " · "
    if following:
        summary += dot + _("now followed in: %(themes)s", themes=i18n.join_list(f"«{short(t.name_in(language))}»" for t in following[:3]))
    if theme is not None:
        name = short(theme.name_in(language), 80)
        if not theme.active:
            name = _("%(name)s (replaced by a newer theme build)", name=name)
        summary = _("Theme: %(name)s", name=name) + dot + summary
    return {"title": _("Complaints"), "url": url_for("complaints.complaint_list", project=project.id), "summary": summary}
