"""Complaints as imported from the front line's exports."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.models import TimestampMixin
from workbench.teams.models import ProcessOwner


class Complaint(TimestampMixin, db.Model):
    """One complaint. Not ``Audited`` row by row: an import records itself as one job."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_complaints_received_owner", "received_at", "process_owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    external_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(40))
    customer: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))
    category: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float | None]
    attributes: Mapped[dict | None] = mapped_column(JSON)

    process_owner: Mapped[ProcessOwner | None] = relationship()
