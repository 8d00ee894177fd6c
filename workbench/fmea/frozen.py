"""A project's FMEA is read-only once the project is signed and closed (standalone FMEAs have no project)."""

from sqlalchemy import select

from workbench.extensions import db
from workbench.fmea.models import FmeaDocument
from workbench.teams.stages import ensure_project_editable


def ensure_document_editable(document_id: int | None) -> None:
    """Raise Frozen when the document belongs to a closed project (every FMEA write calls this)."""
    if document_id is not None:
        ensure_project_editable(db.session.scalar(select(FmeaDocument.project_id).where(FmeaDocument.id == document_id)))
