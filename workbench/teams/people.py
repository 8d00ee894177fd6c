"""The people a team form offers: a short list rendered with the page and a search for the rest."""

from sqlalchemy import func, or_, select

from workbench.extensions import db
from workbench.models import User
from workbench.users import sees_emails, visible_users

INLINE_PEOPLE = 200  # options rendered with the form (it works without scripts); the picker searches the rest
SEARCH_LIMIT = 20  # matches one search answers with
MAX_QUERY = 100


def _offerable(viewer: User, team=None):
    """Active people ``viewer`` may put on a team: everyone for quality managers and admins and for the
    leader of ``team`` (who picks new members by name only); otherwise the people ``viewer`` may see."""
    stmt = select(User).where(User.active.is_(True))
    if viewer.can_manage or (team is not None and team.leader_id == viewer.id):
        return stmt
    return visible_users(viewer, stmt)


def _label(user: User, viewer: User) -> str:
    # Names for everyone; emails only for admins and quality managers.
    return f"{user.name} ({user.email})" if sees_emails(viewer) else user.name


def choices(viewer: User, chosen=frozenset(), team=None) -> list[tuple[str, str]]:
    """("id", label) of the people chosen on the form and the first ``INLINE_PEOPLE`` others by name."""
    stmt = _offerable(viewer, team)
    first = list(db.session.scalars(stmt.order_by(User.name, User.id).limit(INLINE_PEOPLE)))
    missing = set(chosen) - {u.id for u in first}
    if missing:
        first += db.session.scalars(select(User).where(User.id.in_(missing)).order_by(User.name))
    return [(str(u.id), _label(u, viewer)) for u in first]


def search(viewer: User, query: str, team=None) -> list[tuple[int, str]]:
    """Up to ``SEARCH_LIMIT`` people whose name (or, for those who see emails, email) contains ``query``."""
    query = " ".join(str(query or "").split())[:MAX_QUERY].lower()
    if not query:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = [func.lower(User.name).like(pattern, escape="\\")]
    if sees_emails(viewer):
        matches.append(func.lower(User.email).like(pattern, escape="\\"))
    stmt = _offerable(viewer, team).where(or_(*matches)).order_by(User.name, User.id).limit(SEARCH_LIMIT)
    return [(u.id, _label(u, viewer)) for u in db.session.scalars(stmt)]


def chosen_ids(team, form_data) -> set[int]:
    """The people already on the form: the posted ones, else the team's leader and members."""
    if form_data is not None:
        values = [v for k, v in form_data.items() if k == "leader_id" or k.endswith("-user_id")]
        return {int(v) for v in values if str(v).isdigit() and len(str(v)) < 10}
    if team is None:
        return set()
    return {team.leader_id, *(m.user_id for m in team.memberships)}
