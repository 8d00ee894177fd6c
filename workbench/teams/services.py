"""Teams and projects: the rules (size 2-6, one leader, access) and their writes."""


from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workbench import dates
from workbench.extensions import db, get_or_not_found
from workbench.models import User
from workbench.process_owners import process_owner_by_key
from workbench.teams.access import check_team_access, team_scope
from workbench.teams.models import MEMBER_ROLES, ImprovementProject, Team, TeamMembership
from workbench.teams.stages import ensure_editable
from workbench.teams.theme_link import link_theme
from workbench.validation import Forbidden, InvalidInput, text_value, whole_number

MIN_TEAM_SIZE = 2
MAX_TEAM_SIZE = 6

_ROLE_ALIASES = {
    "customer_affairs": "customer_affairs",
    "customer_affairs_representative": "customer_affairs",
    "representative": "customer_affairs",
    "rep": "customer_affairs",
    "process_expert": "process_expert",
    "expert": "process_expert",
}


# -- teams ----------------------------------------------------------------------


def _int(value, field: str) -> int:
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({field: _("Expected a number, got “%(value)s”.", value=value)}) from None


def _normalise_members(members) -> list[dict]:
    if not isinstance(members, list):
        raise InvalidInput({"members": _("Members must be a list of {user_id, role}.")})
    result, seen = [], set()
    for position, member in enumerate(members, start=1):
        if not isinstance(member, dict):
            raise InvalidInput({"members": _("Member %(n)d must be an object with user_id and role.", n=position)})
        user_id = _int(member.get("user_id"), f"members[{position}].user_id")
        if user_id in seen:
            raise InvalidInput({"members": _("A person can be in a team only once (user %(id)d).", id=user_id)})
        seen.add(user_id)
        role = _ROLE_ALIASES.get(str(member.get("role") or "process_expert").strip().lower())
        if role is None:
            raise InvalidInput(
                {"members": _("Member %(n)d: role must be one of %(roles)s.", n=position, roles=", ".join(MEMBER_ROLES))}
            )
        owner = process_owner_by_key(member.get("process_owner"))
        result.append({"user_id": user_id, "role": role, "process_owner_id": owner.id if owner else None})
    return result


def validate_team(name: str, leader_id, members, team: Team | None = None) -> tuple[str, int, list[dict]]:
    """Check a team against every rule; raise InvalidInput naming what is wrong."""
    name = text_value(name, "name").strip()
    if not name:
        raise InvalidInput({"name": _("A team needs a name.")})
    if len(name) > 120:
        raise InvalidInput({"name": _("The name is longer than %(n)d characters.", n=120)})
    clash = db.session.scalar(select(Team).where(Team.name == name))
    if clash is not None and clash is not team:
        raise InvalidInput({"name": _("A team called “%(name)s” already exists.", name=name)})
    members = _normalise_members(members)
    if not MIN_TEAM_SIZE <= len(members) <= MAX_TEAM_SIZE:
        raise InvalidInput(
            {
                "members": _(
                    "A team has %(min)d to %(max)d members; this one has %(n)d.",
                    min=MIN_TEAM_SIZE,
                    max=MAX_TEAM_SIZE,
                    n=len(members),
                )
            }
        )
    ids = [m["user_id"] for m in members]
    found = set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidInput({"members": _("No active user with id %(ids)s.", ids=", ".join(missing))})
    leader_id = _int(leader_id, "leader_id")
    if leader_id not in ids:
        raise InvalidInput({"leader_id": _("The leader must be one of the team's members.")})
    return name, leader_id, members


def save_team(team: Team | None, name: str, leader_id, members) -> Team:
    """Create or replace a team with its members after validating every rule."""
    name, leader_id, members = validate_team(name, leader_id, members, team)
    if team is None:
        team = Team(name=name, leader_id=leader_id)
        db.session.add(team)
    team.name, team.leader_id = name, leader_id
    by_user = {m.user_id: m for m in team.memberships}
    wanted = {m["user_id"] for m in members}
    for membership in list(team.memberships):
        if membership.user_id not in wanted:
            team.memberships.remove(membership)
    for member in members:
        membership = by_user.get(member["user_id"])
        if membership is None:
            membership = TeamMembership(user_id=member["user_id"])
            team.memberships.append(membership)
        membership.role = member["role"]
        membership.process_owner_id = member["process_owner_id"]
    return team


def teams_for(user: User) -> list[Team]:
    """Return the teams ``user`` may see, with members loaded."""
    stmt = select(Team).options(selectinload(Team.memberships).selectinload(TeamMembership.user)).order_by(Team.name)
    return list(db.session.scalars(team_scope(stmt, Team.id, user)))


def team_names_for(user: User) -> list:
    """The ``(id, name)`` of the teams ``user`` may see, by name: for choosing one (a filter, a form)."""
    return list(db.session.execute(team_scope(select(Team.id, Team.name).order_by(Team.name), Team.id, user)))


def get_team(team_id: int, user: User, write: bool = False) -> Team:
    """Load a team that ``user`` may see (404) and, with ``write``, change (403)."""
    team = get_or_not_found(Team, team_id)
    check_team_access(team.id, user, write)
    if write and not (user.can_manage or user.id == team.leader_id):
        raise Forbidden()
    return team


# -- projects -------------------------------------------------------------------


def projects_for(user: User, team_id: int | None = None, stage: str | None = None):
    """Select statement of the projects ``user`` may see, newest first."""
    stmt = select(ImprovementProject).options(
        selectinload(ImprovementProject.team), selectinload(ImprovementProject.process_owner)
    )
    if team_id:
        stmt = stmt.where(ImprovementProject.team_id == team_id)
    if stage:
        stmt = stmt.where(ImprovementProject.stage == stage)
    return team_scope(stmt, ImprovementProject.team_id, user).order_by(ImprovementProject.id.desc())


def get_project(project_id: int, user: User, write: bool = False, lifecycle: bool = False, options=()) -> ImprovementProject:
    """Load a project ``user`` may see (404 otherwise) and, with ``write``, change (403; 409 when signed and closed).

    ``lifecycle`` is for the steps that move the stage itself (reopen, close): ``change_stage`` judges those.
    ``options``: loader options for what the caller shows with it (its team, leader, process owner).
    """
    project = get_or_not_found(ImprovementProject, project_id, options)
    check_team_access(project.team_id, user, write)
    if write and not lifecycle:
        ensure_editable(project)
    return project


def save_project(project: ImprovementProject | None, user: User, data: dict) -> ImprovementProject:
    """Create or update a project from plain ``data``; checks the user may write to the team."""
    errors = {}
    title = text_value(data.get("title", project.title if project else ""), "title").strip()
    if not title:
        errors["title"] = _("A project needs a title.")
    elif len(title) > 200:
        errors["title"] = _("The title is longer than 200 characters.")
    team_id = data.get("team_id", project.team_id if project else None)
    team = None
    if team_id in (None, ""):
        errors["team_id"] = _("Choose the team that owns the project.")
    else:
        team = db.session.get(Team, _int(team_id, "team_id"))
        if team is None:
            errors["team_id"] = _("No team with id %(id)s.", id=team_id)
    days = {}
    for field in ("target_date", "started_on"):
        try:
            days[field] = dates.field_date(data.get(field), field)
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    check_team_access(team.id, user, write=True)
    if project is not None and project.team_id != team.id:
        check_team_access(project.team_id, user, write=True)
    owner_key = data.get("process_owner", project.process_owner.key if project and project.process_owner else None)
    owner = process_owner_by_key(owner_key)
    leader_id = data.get("leader_id") or (project.leader_id if project else None) or team.leader_id
    leader_id = _int(leader_id, "leader_id")
    if leader_id not in team.member_ids:
        raise InvalidInput({"leader_id": _("The project leader must be a member of the team.")})
    stage = data.get("stage", project.stage if project else "define")
    if stage != (project.stage if project else "define"):
        # The stage moves only through ``stages.change_stage`` (gates, order, history).
        raise InvalidInput({"stage": _("A project starts in Define and changes stage only through the lifecycle step.")})
    ensure_editable(project)
    if project is None:
        project = ImprovementProject()
        db.session.add(project)
    project.title = title
    project.problem_statement = text_value(data.get("problem_statement", project.problem_statement), "problem_statement").strip()
    project.team_id = team.id
    project.process_owner_id = owner.id if owner else None
    project.leader_id = leader_id
    if "target_date" in data:
        project.target_date = days["target_date"]
    if days["started_on"] is not None:
        project.started_on = days["started_on"]
    if "theme_id" in data and str(data["theme_id"] or "") != str(project.theme_id or ""):
        link_theme(project, data["theme_id"])
    return project


def start_from_theme(theme, user: User, data: dict) -> tuple[ImprovementProject, int]:
    """Create a project for the team the user picked and link exactly ``theme``'s complaints;
    returns the project and how many complaints were linked."""
    if data.get("team_id") in (None, ""):
        raise InvalidInput({"team_id": _("Choose the team that owns the project.")})
    project = save_project(None, user, {**data, "theme_id": None})
    return project, link_theme(project, theme.id)

