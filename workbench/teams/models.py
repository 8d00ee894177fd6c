"""Teams (2-6 members) and improvement projects (process owners are core: ``workbench.models``)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.live import project_scope
from workbench.models import Audited, ProcessOwner, TimestampMixin, User, utcnow

MEMBER_ROLES = ("customer_affairs", "process_expert")
STAGES = ("define", "contain", "analyse", "improve", "verify", "closed")


class Team(TimestampMixin, Audited, db.Model):
    __tablename__ = "teams"
    # Ids are never reused on SQLite: a new record must not inherit a deleted one's audit history.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    memberships: Mapped[list["TeamMembership"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMembership.id"
    )
    projects: Mapped[list["ImprovementProject"]] = relationship(back_populates="team")

    @property
    def member_ids(self) -> set[int]:
        return {m.user_id for m in self.memberships}


class TeamMembership(TimestampMixin, Audited, db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(30), default="process_expert")
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
    process_owner: Mapped[ProcessOwner | None] = relationship()


class ImprovementProject(TimestampMixin, Audited, db.Model):
    __tablename__ = "projects"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.id),)
    # Ids are never reused on SQLite: a new record must not inherit a deleted one's audit history.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem_statement: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[str] = mapped_column(String(20), default="define")
    started_on: Mapped[date] = mapped_column(default=date.today)
    target_date: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    # The recurring complaint theme the project came from (themes belong to complaint_import, upstream).
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"), index=True)

    team: Mapped[Team] = relationship(back_populates="projects")
    process_owner: Mapped[ProcessOwner | None] = relationship()
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])

    @property
    def status(self) -> str:
        """``open`` until the project reaches the closed stage."""
        return "closed" if self.stage == "closed" else "open"


class ProjectComplaint(db.Model):
    """One complaint the project answers for: the set its effectiveness check measures.

    Bulk data like the complaints it points to, so not audited row by row; linking a theme is
    audited through the project's ``theme_id``.
    """

    __tablename__ = "project_complaints"
    __table_args__ = (
        Index("ix_project_complaints_complaint", "complaint_id"),
        Index("ix_project_complaints_theme", "theme_id", "project_id"),  # the projects a theme's card lists
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    # The theme that brought the complaint in (None: linked by hand).
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class StageChange(db.Model):
    """One move of a project between stages: who, when, why, and the signature that authorised it."""

    __tablename__ = "stage_changes"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return (project_scope(self.project_id),)
    __table_args__ = (Index("ix_stage_changes_project", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="system")
    reason: Mapped[str] = mapped_column(Text, default="")
    # The electronic signature of a closing (``sign_offs`` belongs to the actions package downstream).
    sign_off_id: Mapped[int | None] = mapped_column(ForeignKey("sign_offs.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
