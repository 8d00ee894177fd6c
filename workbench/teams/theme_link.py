"""The one link between a recurring complaint theme and an improvement project.

A project points to the theme it came from (``projects.theme_id``) and stores the set of
complaints it answers for (``project_complaints``): exactly the theme's complaints when the
theme is linked, plus the newer complaints a later theme build puts with them (``follow_themes``,
run by every build). Pages, the API, the trace graph, the 8D report and the effectiveness check
all read this set, so the months after the corrective actions hold the complaints imported since.
"""

from datetime import date

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, delete, func, insert, literal, select

from workbench import live
from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.extensions import db
from workbench.models import utcnow
from workbench.teams.models import ImprovementProject, ProjectComplaint
from workbench.validation import InvalidInput, whole_number


def theme_of(project: ImprovementProject) -> Theme | None:
    """The theme the project came from, or None."""
    return themes.get_theme(project.theme_id) if project.theme_id else None


def _theme_id(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        theme_id = whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({"theme_id": _("Choose a theme from the list.")}) from None
    theme = themes.get_theme(theme_id)
    if theme is None:
        raise InvalidInput({"theme_id": _("No theme with id %(id)s.", id=theme_id)})
    if not theme.active:
        raise InvalidInput({"theme_id": _("This theme was replaced by a newer theme build: choose one of the current themes.")})
    return theme_id


def link_theme(project: ImprovementProject, value) -> int:
    """Point ``project`` at the theme ``value`` (an id, or blank for none) and make its linked
    complaints exactly that theme's complaints; returns how many are linked."""
    theme_id = _theme_id(value)
    db.session.flush()  # a new project needs its id before its complaints are linked
    db.session.execute(delete(ProjectComplaint).where(ProjectComplaint.project_id == project.id))
    project.theme_id = theme_id
    if theme_id is None:
        return 0
    members = select(literal(project.id), themes.complaint_ids(theme_id).subquery().c[0], literal(theme_id), literal(utcnow()))
    db.session.execute(
        insert(ProjectComplaint).from_select(["project_id", "complaint_id", "theme_id", "linked_at"], members)
    )
    return linked_count(project.id)


# A theme of a new build follows a project when it holds at least FOLLOW_MIN of the project's complaints, and
# they are at least FOLLOW_SHARE of the theme's complaints the project could have taken in (ids up to its newest).
FOLLOW_MIN = 3
FOLLOW_SHARE = 0.5


def follow_themes() -> dict[int, int]:
    """``complaint_import.hooks.THEMES_REBUILT``: each project not closed takes in the new complaints of the
    themes of this build that now hold its problem; returns {project id: complaints taken in}.

    A new theme holds a project's problem when it holds at least ``FOLLOW_MIN`` of the project's linked
    complaints and they make up at least ``FOLLOW_SHARE`` of the theme's complaints up to the newest one the
    project has (so a theme that merged the problem into a bigger one brings in nothing). Of such a theme,
    the complaints newer than the project's newest are linked; older ones its first theme left out stay out,
    so the weeks before the actions keep what the team started from. Closed projects keep their set.
    """
    P, PC, C = ImprovementProject, ProjectComplaint, Complaint
    following = select(P.id).where(P.stage != "closed")
    newest = dict(db.session.execute(
        select(PC.project_id, func.max(PC.complaint_id)).where(PC.project_id.in_(following)).group_by(PC.project_id)
    ).all())
    if not newest:
        return {}
    held = db.session.execute(
        select(PC.project_id, C.theme_id, func.count())
        .join(C, C.id == PC.complaint_id)
        .where(PC.project_id.in_(following), C.theme_id.is_not(None))
        .group_by(PC.project_id, C.theme_id)
        .having(func.count() >= FOLLOW_MIN)
        .order_by(PC.project_id, C.theme_id)
    ).all()
    taken: dict[int, int] = {}
    now = utcnow()
    for project_id, theme_id, count in held:
        upto = newest[project_id]
        known = db.session.scalar(select(func.count()).select_from(C).where(C.theme_id == theme_id, C.id <= upto))
        if count < FOLLOW_SHARE * known:
            continue
        newer = select(literal(project_id), C.id, literal(theme_id), literal(now)).where(C.theme_id == theme_id, C.id > upto)
        added = len(db.session.execute(  # rowcount of INSERT ... SELECT is -1 on PostgreSQL
            insert(PC).from_select(["project_id", "complaint_id", "theme_id", "linked_at"], newer).returning(PC.complaint_id)
        ).all())
        if added:
            taken[project_id] = taken.get(project_id, 0) + added
    if taken:
        live.bump(live.project_scope(p) for p in taken)
        current_app.logger.info("theme build: complaints taken in by projects %s", taken)
    return taken


def linked_counts(project: ImprovementProject) -> tuple[int, int]:
    """How many complaints the project has linked, and how many of them later theme builds brought in
    (not its first theme): one query, as its page shows both."""
    PC = ProjectComplaint
    followed = (func.sum(case((and_(PC.theme_id.is_not(None), PC.theme_id != project.theme_id), 1), else_=0))
                if project.theme_id is not None else literal(0))
    total, later = db.session.execute(select(func.count(), followed).where(PC.project_id == project.id)).one()
    return int(total or 0), int(later or 0)


def following_themes(project: ImprovementProject) -> list[Theme]:
    """The current themes a later theme build let the project take in complaints from (not its first theme), biggest first."""
    PC = ProjectComplaint
    brought = select(PC.theme_id).where(PC.project_id == project.id, PC.theme_id.is_not(None)).distinct()
    stmt = select(Theme).where(Theme.id.in_(brought), Theme.active)
    if project.theme_id is not None:
        stmt = stmt.where(Theme.id != project.theme_id)
    return list(db.session.scalars(stmt.order_by(Theme.size.desc(), Theme.id)))


def projects_following(theme_id: int):
    """A select of the ids of the projects a theme build let take in the theme's complaints."""
    return select(ProjectComplaint.project_id).where(ProjectComplaint.theme_id == theme_id).distinct()


def linked_ids(project_id: int):
    """A select of the ids of the complaints linked to the project."""
    return select(ProjectComplaint.complaint_id).where(ProjectComplaint.project_id == project_id)


def linked_count(project_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(ProjectComplaint).where(ProjectComplaint.project_id == project_id))


def projects_of_complaint(complaint_id: int):
    """A select of the ids of the projects the complaint is linked to."""
    return select(ProjectComplaint.project_id).where(ProjectComplaint.complaint_id == complaint_id)


INLINE_THEMES = 50  # themes rendered with the project form (it works without scripts); the picker searches the rest


def theme_choices(chosen: int | None = None) -> list[tuple[str, str]]:
    """("id", "name (n complaints)") of the ``INLINE_THEMES`` biggest current themes, and the chosen one
    (the project's own, even retired, or the one just posted)."""
    found = themes.current_themes(INLINE_THEMES)
    if chosen and all(t.id != chosen for t in found):
        own = themes.get_theme(chosen)
        if own is not None:
            found.append(own)
    return [(str(t.id), themes.label(t)) for t in found]


def start_defaults(theme: Theme, today: date | None = None) -> dict:
    """What a project started from ``theme`` begins with: the theme's name as its title, the
    counts of its complaints over the last 90 days and the 90 before, and typical complaints."""
    recent, previous = themes.window_counts(theme.id, today)
    name = theme.name_in(str(get_locale()))
    lines = [
        _("%(size)d complaints about: %(theme)s", size=theme.size, theme=name),
        _("Last 90 days: %(recent)d; the 90 days before: %(previous)d.", recent=recent, previous=previous),
    ]
    lines += [f"- {text[:160]}" for text in themes.examples(theme)]
    owner = theme.process_owner.key if theme.process_owner else ""
    return {"title": name[:200], "problem_statement": "\n".join(lines), "process_owner": owner,
            "recent": recent, "previous": previous}


