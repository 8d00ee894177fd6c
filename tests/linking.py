"""Test helper: link complaints to a project the way a theme does (``project_complaints``)."""

from sqlalchemy import insert, literal, select

from workbench.complaint_import.models import Complaint
from workbench.models import utcnow
from workbench.teams.models import ProjectComplaint


def link_complaints(db, project_id: int, external_ids: list[str]) -> None:
    """Link the complaints with these external ids to the project."""
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        db.session.execute(insert(ProjectComplaint).from_select(
            ["project_id", "complaint_id", "linked_at"],
            select(literal(project_id), Complaint.id, literal(utcnow())).where(Complaint.external_id.in_(chunk)),
        ))


def import_through(db, day, source: str = "test") -> None:
    """One complaint of ``source`` that no project holds, received on ``day``: the imported complaints reach that day
    (an effectiveness check measures only windows the imports cover)."""
    from uuid import uuid4

    from workbench.complaint_import.models import Complaint as C

    db.session.execute(insert(C), [{"source": source, "external_id": f"through-{uuid4().hex}", "received_at": day, "text": "other"}])
    db.session.commit()
