"""Dot voting: each member places up to N dots per session on the causes they suspect."""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from workbench.extensions import db
from workbench.fishbone.frozen import ensure_cause_editable, ensure_diagram_editable
from workbench.fishbone.models import FishboneCause, FishboneDiagram, FishboneVote, FishboneVoteSession
from workbench.fishbone.services import touch
from workbench.models import utcnow
from workbench.validation import InvalidInput

DEFAULT_VOTES = 3
MAX_VOTES = 20


def current_session(diagram: FishboneDiagram) -> FishboneVoteSession | None:
    """The open voting round, if any."""
    return db.session.scalar(
        select(FishboneVoteSession)
        .where(FishboneVoteSession.diagram_id == diagram.id, FishboneVoteSession.closed_at.is_(None))
        .order_by(FishboneVoteSession.id.desc())
    )


def latest_session(diagram: FishboneDiagram) -> FishboneVoteSession | None:
    """The open round, or else the last closed one (its counts stay on the diagram)."""
    return db.session.scalar(
        select(FishboneVoteSession).where(FishboneVoteSession.diagram_id == diagram.id).order_by(FishboneVoteSession.id.desc())
    )


def open_session(diagram: FishboneDiagram, user, votes_per_member) -> FishboneVoteSession:
    """Start a new round with ``votes_per_member`` dots each; the previous round closes."""
    ensure_diagram_editable(diagram.id)
    try:
        votes = int(votes_per_member if votes_per_member not in (None, "") else DEFAULT_VOTES)
    except (TypeError, ValueError):
        raise InvalidInput({"votes_per_member": _("votes_per_member must be a whole number.")}) from None
    if not 1 <= votes <= MAX_VOTES:
        raise InvalidInput({"votes_per_member": _("Each member has 1 to %(max)d votes.", max=MAX_VOTES)})
    for previous in db.session.scalars(
        select(FishboneVoteSession).where(FishboneVoteSession.diagram_id == diagram.id, FishboneVoteSession.closed_at.is_(None))
    ):
        previous.closed_at = utcnow()
    session = FishboneVoteSession(diagram_id=diagram.id, votes_per_member=votes, opened_by_id=user.id)
    db.session.add(session)
    db.session.flush()
    touch(diagram.id)
    return session


def _open_session_for(cause: FishboneCause) -> FishboneVoteSession:
    diagram = db.session.get(FishboneDiagram, cause.diagram_id)
    session = current_session(diagram)
    if session is None:
        raise InvalidInput({"session": _("No voting round is open. Start one first.")})
    return session


def current_session_of(cause: FishboneCause) -> FishboneVoteSession | None:
    """The open round of the cause's diagram."""
    return current_session(db.session.get(FishboneDiagram, cause.diagram_id))


def used_dots(session: FishboneVoteSession, user) -> list[int]:
    return list(db.session.scalars(
        select(FishboneVote.dot).where(FishboneVote.session_id == session.id, FishboneVote.user_id == user.id)
    ))


def vote(cause: FishboneCause, user) -> int:
    """Place one of the user's dots on ``cause``; returns the dots the user has left."""
    ensure_cause_editable(cause.id)
    session = _open_session_for(cause)
    used = set(used_dots(session, user))
    free = [d for d in range(1, session.votes_per_member + 1) if d not in used]
    if not free:
        raise InvalidInput({"votes": _("You have used all %(n)d of your votes in this round.", n=session.votes_per_member)})
    try:
        with db.session.begin_nested():
            db.session.add(FishboneVote(session_id=session.id, cause_id=cause.id, user_id=user.id, dot=free[0]))
    except IntegrityError:
        # The same member voted twice at once from two screens: the database caps the dots.
        raise InvalidInput({"votes": _("That vote was already counted; try again.")}) from None
    touch(cause.diagram_id)
    return len(free) - 1


def unvote(cause: FishboneCause, user) -> int:
    """Take back one of the user's dots from ``cause``; returns the dots the user has left."""
    ensure_cause_editable(cause.id)
    session = _open_session_for(cause)
    dot = db.session.scalar(
        select(func.max(FishboneVote.dot)).where(
            FishboneVote.session_id == session.id, FishboneVote.user_id == user.id, FishboneVote.cause_id == cause.id
        )
    )
    if dot is None:
        raise InvalidInput({"votes": _("You have no vote on this cause.")})
    db.session.execute(
        delete(FishboneVote).where(FishboneVote.session_id == session.id, FishboneVote.user_id == user.id, FishboneVote.dot == dot)
    )
    touch(cause.diagram_id)
    return session.votes_per_member - len(used_dots(session, user))


def counts(session: FishboneVoteSession | None) -> dict[int, int]:
    """Dots per cause id in ``session``."""
    if session is None:
        return {}
    rows = db.session.execute(
        select(FishboneVote.cause_id, func.count()).where(FishboneVote.session_id == session.id).group_by(FishboneVote.cause_id)
    )
    return dict(rows.all())


def mine_in(session_id: int, user) -> dict[int, int]:
    """Dots ``user`` gave per cause id in the round ``session_id``."""
    return dict(db.session.execute(
        select(FishboneVote.cause_id, func.count())
        .where(FishboneVote.session_id == session_id, FishboneVote.user_id == user.id)
        .group_by(FishboneVote.cause_id)
    ).all())


def summary(diagram: FishboneDiagram, user) -> dict:
    """The round as the client shows it: dots per cause and the user's own (none for ``user`` None)."""
    session = latest_session(diagram)
    if session is None:
        return {"session": None, "counts": {}, "mine": {}, "left": 0}
    mine = mine_in(session.id, user) if user is not None else {}
    is_open = session.closed_at is None
    return {
        "session": {"id": session.id, "votes_per_member": session.votes_per_member, "open": is_open},
        "counts": counts(session),
        "mine": mine,
        "left": session.votes_per_member - sum(mine.values()) if is_open and user is not None else 0,
    }
