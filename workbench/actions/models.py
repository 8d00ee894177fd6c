"""Tables of corrective actions, effectiveness checks, sign-offs and notifications."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.fmea.models import FmeaRow
from workbench.live import project_scope, scopes_of
from workbench.models import Audited, TimestampMixin, User, utcnow
from workbench.teams.models import ImprovementProject

ACTION_TYPES = ("containment", "correction", "corrective", "preventive")
ACTION_STATUSES = ("open", "in_progress", "done", "verified", "reopened")
# Statuses in which an action is still being worked on (and can be overdue).
OPEN_STATUSES = ("open", "in_progress", "reopened")
DECISIONS = ("pending", "accepted", "rejected")


class CorrectiveAction(TimestampMixin, Audited, db.Model):
    """One action of a project: containment, correction, corrective or preventive."""

    __tablename__ = "corrective_actions"

    def live_scopes(self) -> tuple[str, ...]:
        """The project's revision, and the FMEA's whose row this action answers (``workbench.live``)."""
        return (project_scope(self.project_id), *scopes_of(FmeaRow, self.fmea_row_id))
    __table_args__ = (
        Index("ix_corrective_actions_project", "project_id"),
        Index("ix_corrective_actions_status_due", "status", "due_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), default="corrective")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="open")
    completed_on: Mapped[date | None]
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    evidence_file: Mapped[str | None] = mapped_column(String(255))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    # The fishbone cause and the FMEA row this action addresses (read-only links up the flow).
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("fishbone_causes.id", ondelete="SET NULL"), index=True)
    fmea_row_id: Mapped[int | None] = mapped_column(ForeignKey("fmea_rows.id", ondelete="SET NULL"), index=True)

    project: Mapped[ImprovementProject] = relationship()
    owner: Mapped[User] = relationship()


class ProjectCharter(TimestampMixin, Audited, db.Model):
    """8D frame of a project: is / is-not and lessons learned (its theme is the project's ``theme_id``)."""

    __tablename__ = "project_charters"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.project_id),)
    # Ids are never reused on SQLite: a new record must not inherit a deleted one's audit history.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    is_text: Mapped[str] = mapped_column(Text, default="")
    is_not_text: Mapped[str] = mapped_column(Text, default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="")


class EffectivenessCheck(TimestampMixin, Audited, db.Model):
    """Complaints of the linked owner/product/category before vs after the actions."""

    __tablename__ = "effectiveness_checks"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.project_id),)
    __table_args__ = (Index("ix_effectiveness_checks_project", "project_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    criteria: Mapped[str] = mapped_column(Text, default="")
    actions_on: Mapped[date]
    check_date: Mapped[date]
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))
    product: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(40))
    before_count: Mapped[int | None]
    after_count: Mapped[int | None]
    p_value: Mapped[float | None]
    measured_at: Mapped[datetime | None]
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    decided_by: Mapped[User | None] = relationship()


class SignOff(TimestampMixin, Audited, db.Model):
    """An electronic signature: who, when and what it means (21 CFR 11 style)."""

    __tablename__ = "sign_offs"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.project_id),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(120))
    meaning: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the canonical JSON of what was signed (``actions/signature.py``).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the project is reopened: the signature stays visible, marked as superseded.
    superseded_at: Mapped[datetime | None]


class Notification(db.Model):
    """An in-app message to an action's owner: due soon or overdue (sent once per due date)."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("action_id", "kind", "due_date"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("corrective_actions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    action: Mapped[CorrectiveAction] = relationship()
