"""Core tables: the organisation (users, process owners), API tokens and the audit trail."""

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workbench.extensions import db
from workbench.roles import MANAGERS, SEE_ALL_TEAMS, Role


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class TimestampMixin:
    """``created_at``/``updated_at`` and a ``version`` for optimistic locking."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        """The version goes into the WHERE clause of every UPDATE and DELETE, and is raised by one (optimistic locking)."""
        return {"version_id_col": cls.__table__.c.version}


class Audited:
    """Marker: inserts, updates and deletes of this model land in the audit trail."""

    # Columns whose values never reach the audit trail (secrets).
    __audit_exclude__: tuple[str, ...] = ("updated_at", "version")


class User(UserMixin, TimestampMixin, Audited, db.Model):
    __tablename__ = "users"
    # Ids are never reused on SQLite: a new record must not inherit a deleted one's audit history.
    __table_args__ = {"sqlite_autoincrement": True}
    __audit_exclude__ = ("updated_at", "version", "password_hash", "session_token")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    # Rotated at sign-out: every cookie that carried the old value stops working.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_hex(32)
    )

    def set_password(self, password: str) -> None:
        """Store a scrypt hash of ``password`` (cost from ``PASSWORD_HASH_METHOD``)."""
        self.password_hash = generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))

    def check_password(self, password: str) -> bool:
        """Return True when ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Invalidate every existing session of this user."""
        self.session_token = secrets.token_hex(32)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def sees_all_teams(self) -> bool:
        """Quality managers, admins and viewers (leadership) see every team's work."""
        return self.role in SEE_ALL_TEAMS

    @property
    def can_manage(self) -> bool:
        """Admins and quality managers may change any team's records."""
        return self.role in MANAGERS

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ProcessOwner(TimestampMixin, Audited, db.Model):
    """A process (and its owner) that complaints are classified against."""

    __tablename__ = "process_owners"
    # Ids are never reused on SQLite: a new record must not inherit a deleted one's audit history.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_fa: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        """Return the display name in ``locale`` ("fa" or "en")."""
        return self.name_fa if locale == "fa" else self.name_en


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(raw: str) -> str:
        """Return the stored form of a raw token (only the hash is kept)."""
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token for ``user``; the raw value is shown once and never stored."""
        raw = "wb_" + secrets.token_urlsafe(32)
        return cls(user=user, name=name, token_hash=cls.hash(raw)), raw


class AuditLog(db.Model):
    """One changed field of one record. Rows are only ever inserted."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class LiveRevision(db.Model):
    """The change counter of one live scope (``project:7``) when there is no Redis (``workbench.live``)."""

    __tablename__ = "live_revisions"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)


class JobProgress(db.Model):
    """Where one background job (``themes``, ...) got to, when there is no Redis (``workbench.progress``)."""

    __tablename__ = "job_progress"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
