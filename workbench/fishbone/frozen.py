"""A fishbone belongs to a project: once the project is signed and closed, the fishbone is read-only."""

from sqlalchemy import select

from workbench.extensions import db
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.teams.stages import ensure_project_editable


def ensure_diagram_editable(diagram_id: int) -> None:
    """Raise Frozen when the diagram's project is closed (every fishbone write calls this)."""
    # A diagram (and its project) the request already loaded answers without a query.
    diagram = db.session.get(FishboneDiagram, diagram_id)
    ensure_project_editable(diagram.project_id if diagram is not None else None)


def ensure_cause_editable(cause_id: int) -> None:
    """``ensure_diagram_editable`` for the diagram of a cause."""
    ensure_diagram_editable(db.session.scalar(select(FishboneCause.diagram_id).where(FishboneCause.id == cause_id)))
