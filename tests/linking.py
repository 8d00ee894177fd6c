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
