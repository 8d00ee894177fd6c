"""FMEA documents, their rows, frozen revisions and the organisation's priority setting."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.live import project_scope, scopes_of
from workbench.models import Audited, TimestampMixin, User, utcnow

KINDS = ("process", "design")
RATING_SCALES = ("manufacturing", "service")  # which S/O/D criteria the raters see (workbench/fmea/scales.py)
WORK_ELEMENT_TYPES = ("man", "machine", "material", "method", "environment", "measurement")
ACTION_STATUSES = ("open", "decision_pending", "implementation_pending", "completed", "not_implemented")
DRIVERS = ("ap", "rpn")

# Columns of a row a user writes, in the AIAG-VDA form's order.
TEXT_FIELDS = (
    "process_item",
    "process_step",
    "work_element",
    "function",
    "failure_effect",
    "failure_mode",
    "failure_cause",
    "prevention_control",
    "detection_control",
    "special_characteristic",
    "filter_code",
    "prevention_action",
    "detection_action",
    "action_taken",
    "evidence",
    "remarks",
)
RATING_FIELDS = ("severity", "occurrence", "detection", "revised_severity", "revised_occurrence", "revised_detection")
DATE_FIELDS = ("target_date", "completion_date")
ROW_FIELDS = (
    "process_item",
    "process_step",
    "work_element",
    "work_element_type",
    "function",
    "failure_effect",
    "severity",
    "failure_mode",
    "failure_cause",
    "prevention_control",
    "occurrence",
    "detection_control",
    "detection",
    "special_characteristic",
    "filter_code",
    "prevention_action",
    "detection_action",
    "responsible_id",
    "target_date",
    "action_status",
    "action_taken",
    "evidence",
    "completion_date",
    "revised_severity",
    "revised_occurrence",
    "revised_detection",
    "remarks",
    "cause_id",
)
COMPUTED_FIELDS = ("rpn", "action_priority", "revised_rpn", "revised_action_priority")


class FmeaDocument(TimestampMixin, Audited, db.Model):
    """One FMEA (process or design) of an improvement project, or standalone for a process, with its header block."""

    __tablename__ = "fmea_documents"

    def live_scopes(self) -> tuple[str, ...]:
        """The project's revision, or the standalone FMEA's own (``workbench.live``)."""
        return (project_scope(self.project_id),) if self.project_id else (f"fmea:{self.id}",)
    # Exactly one owner: the project, or (standalone) the process owner.
    __table_args__ = (
        CheckConstraint("(project_id IS NULL) <> (process_owner_id IS NULL)", name="one_owner"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="process")
    title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    customer: Mapped[str] = mapped_column(String(200), default="")
    program: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    confidentiality: Mapped[str] = mapped_column(String(80), default="")
    rating_scale: Mapped[str] = mapped_column(String(20), default="manufacturing", server_default="manufacturing")
    start_date: Mapped[date] = mapped_column(default=date.today)

    rows: Mapped[list["FmeaRow"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="FmeaRow.position", lazy="raise_on_sql"
    )


class FmeaRow(TimestampMixin, Audited, db.Model):
    """One failure chain (effect ← mode ← cause) with its ratings and its optimisation."""

    __tablename__ = "fmea_rows"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FmeaDocument, self.document_id)
    # Ids are never reused (SQLite would reuse a deleted row's id, mixing two rows' audit histories).
    __table_args__ = (Index("ix_fmea_rows_document_position", "document_id", "position"), {"sqlite_autoincrement": True})
    # The derived figures follow from S/O/D, which are audited themselves.
    __audit_exclude__ = ("updated_at", "version", *COMPUTED_FIELDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("fmea_documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    process_item: Mapped[str] = mapped_column(Text, default="")
    process_step: Mapped[str] = mapped_column(Text, default="")
    work_element: Mapped[str] = mapped_column(Text, default="")
    work_element_type: Mapped[str | None] = mapped_column(String(20))
    function: Mapped[str] = mapped_column(Text, default="")
    failure_effect: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[int | None]
    failure_mode: Mapped[str] = mapped_column(Text, default="")
    failure_cause: Mapped[str] = mapped_column(Text, default="")
    prevention_control: Mapped[str] = mapped_column(Text, default="")
    occurrence: Mapped[int | None]
    detection_control: Mapped[str] = mapped_column(Text, default="")
    detection: Mapped[int | None]
    rpn: Mapped[int | None]
    action_priority: Mapped[str | None] = mapped_column(String(1))
    special_characteristic: Mapped[str] = mapped_column(String(80), default="")
    filter_code: Mapped[str] = mapped_column(String(80), default="")
    prevention_action: Mapped[str] = mapped_column(Text, default="")
    detection_action: Mapped[str] = mapped_column(Text, default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_date: Mapped[date | None]
    action_status: Mapped[str] = mapped_column(String(30), default="open")
    action_taken: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    completion_date: Mapped[date | None]
    revised_severity: Mapped[int | None]
    revised_occurrence: Mapped[int | None]
    revised_detection: Mapped[int | None]
    revised_rpn: Mapped[int | None]
    revised_action_priority: Mapped[str | None] = mapped_column(String(1))
    remarks: Mapped[str] = mapped_column(Text, default="")
    # The fishbone cause this failure cause came from (kept when the cause is deleted, as NULL).
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("fishbone_causes.id", ondelete="SET NULL"), index=True)

    document: Mapped[FmeaDocument] = relationship(back_populates="rows")
    responsible: Mapped[User | None] = relationship(lazy="raise_on_sql")


class FmeaRevision(Audited, db.Model):
    """A frozen copy (baseline) of every row of a document at one moment."""

    __tablename__ = "fmea_revisions"

    def live_scopes(self) -> tuple[str, ...]:
        """The live-update revisions a change of this record touches (``workbench.live``)."""
        return scopes_of(FmeaDocument, self.document_id)
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    __audit_exclude__ = ("snapshot",)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("fmea_documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    snapshot: Mapped[list] = mapped_column(JSON, default=list)

    created_by: Mapped[User | None] = relationship()


class FmeaSettings(TimestampMixin, Audited, db.Model):
    """The organisation's choice of what drives priority: AP (default) or RPN over a threshold."""

    __tablename__ = "fmea_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_driver: Mapped[str] = mapped_column(String(10), default="ap")
    rpn_threshold: Mapped[int] = mapped_column(default=100)


class FmeaImportPreset(TimestampMixin, Audited, db.Model):
    """A saved column mapping of the FMEA import: column title (normalised) → field ("" = ignored), and rating scales."""

    __tablename__ = "fmea_import_presets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    scales: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
