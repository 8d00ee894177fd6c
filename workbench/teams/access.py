"""The team scope (one query helper for pages, API and exports) and the team access check."""

from flask import g, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from workbench.extensions import db
from workbench.models import User
from workbench.roles import Role
from workbench.teams.models import TeamMembership
from workbench.validation import Forbidden, NotFound

_MEMO = "visible_team_ids"


def visible_team_ids(user: User) -> set[int] | None:
    """Team ids ``user`` may see, or None when the user sees every team.

    Read once per request and user (a dashboard scopes a dozen queries, a poll checks the project
    twice); a flush that adds, changes or removes a membership forgets it.
    """
    if user.sees_all_teams:
        return None
    memo = g.setdefault(_MEMO, {}) if has_request_context() else {}
    if user.id not in memo:
        memo[user.id] = frozenset(db.session.scalars(select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)))
    return set(memo[user.id])


@event.listens_for(Session, "after_flush")
def _forget_visible_teams(session, _context) -> None:
    if has_request_context() and _MEMO in g and any(
        isinstance(record, TeamMembership) for record in (*session.new, *session.dirty, *session.deleted)
    ):
        g.pop(_MEMO)


def team_scope(stmt, team_id_column, user: User):
    """Restrict ``stmt`` to rows of teams ``user`` may see (the one scope helper)."""
    ids = visible_team_ids(user)
    if ids is None:
        return stmt
    return stmt.where(team_id_column.in_(ids or [-1]))


def check_team_access(team_id: int, user: User, write: bool = False) -> None:
    """404 when ``user`` may not see the team, 403 when they may see but not change it."""
    ids = visible_team_ids(user)
    if ids is not None and team_id not in ids:
        raise NotFound()
    if write and user.role == Role.VIEWER:
        raise Forbidden()


def team_mates(viewer: User, stmt):
    """``PEOPLE_SCOPES``: the people of ``viewer``'s own teams."""
    my_teams = select(TeamMembership.team_id).where(TeamMembership.user_id == viewer.id)
    return stmt.where(User.id.in_(select(TeamMembership.user_id).where(TeamMembership.team_id.in_(my_teams))))
