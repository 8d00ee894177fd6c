"""The people the FMEA grid offers for a row's responsible person: a few with the page, a search for the rest.

A standalone FMEA may name anyone active, so the page cannot carry everyone: it carries the people
its rows already name and the first ``INLINE_PEOPLE`` candidates by name; the picker asks
``search`` (20 at most) for the others.
"""

from sqlalchemy import func, select

from workbench.extensions import db
from workbench.fmea.services import responsible_candidates
from workbench.models import User

INLINE_PEOPLE = 50
SEARCH_LIMIT = 20
MAX_QUERY = 100


def page_people(project, named_ids: set[int]) -> list[list]:
    """[id, name] of the people the rows name and of the first ``INLINE_PEOPLE`` candidates, by name."""
    first = list(db.session.scalars(responsible_candidates(project).limit(INLINE_PEOPLE)))
    missing = set(named_ids) - {u.id for u in first}
    if missing:
        first += db.session.scalars(select(User).where(User.id.in_(missing)))
    first.sort(key=lambda u: (u.name.lower(), u.id))
    return [[u.id, u.name] for u in first]


def search(project, query: str) -> list[tuple[int, str]]:
    """Up to ``SEARCH_LIMIT`` candidates whose name contains ``query`` (case aside), by name."""
    query = " ".join(str(query or "").split())[:MAX_QUERY].lower()
    if not query:
        return []
    stmt = responsible_candidates(project).where(func.lower(User.name).contains(query, autoescape=True)).limit(SEARCH_LIMIT)
    return [(u.id, u.name) for u in db.session.scalars(stmt)]
