"""Fishbone diagrams: the effect, category bones, the cause tree, evidence and dot votes."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.live import project_scope, scopes_of
from workbench.models import Audited, TimestampMixin, utcnow

CAUSE_STATUSES = ("open", "suspected", "verified")
EVIDENCE_KINDS = ("text", "link", "file", "complaint")


class FishboneDiagram(TimestampMixin, Audited, db.Model):
    """One diagram per improvement project; ``revision`` counts every change to it or its causes."""

    __tablename__ = "fishbone_diagrams"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.project_id),)
    __audit_exclude__ = ("updated_at", "version", "revision")

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    effect: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str] = mapped_column(String(20), default="6m")
    # Bumped with a SQL increment on every change, so pollers can ask "changed since N?" cheaply.
    revision: Mapped[int] = mapped_column(default=1)

    categories: Mapped[list["FishboneCategory"]] = relationship(
        back_populates="diagram", cascade="all, delete-orphan", order_by="FishboneCategory.position"
    )


class FishboneCategory(TimestampMixin, Audited, db.Model):
    """A bone of the fishbone (People, Machine, ... or the team's own)."""

    __tablename__ = "fishbone_categories"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FishboneDiagram, self.diagram_id)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagram_id: Mapped[int] = mapped_column(ForeignKey("fishbone_diagrams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    diagram: Mapped[FishboneDiagram] = relationship(back_populates="categories")


class FishboneCause(TimestampMixin, Audited, db.Model):
    """A cause on a bone, or a sub-cause (any depth) of another cause."""

    __tablename__ = "fishbone_causes"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FishboneDiagram, self.diagram_id)
    __table_args__ = (Index("ix_fishbone_causes_diagram_parent", "diagram_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagram_id: Mapped[int] = mapped_column(ForeignKey("fishbone_diagrams.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("fishbone_categories.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fishbone_causes.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    # A link in a "5 Whys" chain: the answer to "why?" about its parent.
    is_why: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    evidence: Mapped[list["FishboneEvidence"]] = relationship(
        back_populates="cause", cascade="all, delete-orphan", passive_deletes=True, order_by="FishboneEvidence.id"
    )


class FishboneEvidence(TimestampMixin, Audited, db.Model):
    """A note, link, attached file or linked complaint supporting (or verifying) a cause."""

    __tablename__ = "fishbone_evidence"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FishboneCause, self.cause_id)

    id: Mapped[int] = mapped_column(primary_key=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("fishbone_causes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(1000))
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(80))
    file_size: Mapped[int | None]
    # Plain id of a complaint (no foreign key: the complaint import owns that table).
    complaint_id: Mapped[int | None]
    # This evidence is what verified the cause as a root cause.
    verifies: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cause: Mapped[FishboneCause] = relationship(back_populates="evidence")


class FishboneVoteSession(TimestampMixin, Audited, db.Model):
    """A round of dot voting: each member has ``votes_per_member`` dots."""

    __tablename__ = "fishbone_vote_sessions"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FishboneDiagram, self.diagram_id)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagram_id: Mapped[int] = mapped_column(ForeignKey("fishbone_diagrams.id", ondelete="CASCADE"), index=True)
    votes_per_member: Mapped[int] = mapped_column(default=3)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class FishboneVote(db.Model):
    """One dot placed by one member on one cause (a member may stack dots)."""

    __tablename__ = "fishbone_votes"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FishboneVoteSession, self.session_id)
    __table_args__ = (
        Index("ix_fishbone_votes_session_user", "session_id", "user_id"),
        # Dots are numbered 1..N per member and session: the database itself caps a member at N.
        UniqueConstraint("session_id", "user_id", "dot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("fishbone_vote_sessions.id", ondelete="CASCADE"))
    cause_id: Mapped[int] = mapped_column(ForeignKey("fishbone_causes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    dot: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
