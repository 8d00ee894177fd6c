"""Fixtures for the cross-package review tests: the demo organisation with real ids."""

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from workbench.models import User

NOISE = "Refrigerator R-400 compressor noise"


@pytest.fixture
def demo(app, db, runner, tmp_path):
    """The demo data, plus an evidence file on a cause and on an action of the noise project.

    Returns a dict of ids of objects of the noise project (team "Fridge noise team"),
    and users: ``insider`` (john, member of that team), ``outsider`` (sara, member of
    the other team only), ``viewer`` and ``qm``.
    """
    from workbench.actions import services as actions
    from workbench.actions.models import CorrectiveAction, EffectivenessCheck
    from workbench.fishbone import evidence
    from workbench.fishbone.models import FishboneCategory, FishboneCause, FishboneDiagram
    from workbench.fmea.models import FmeaDocument, FmeaRow
    from workbench.teams.models import ImprovementProject

    app.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
    app.config["FISHBONE_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    project = db.session.scalar(select(ImprovementProject).where(ImprovementProject.title == NOISE))
    diagram = db.session.scalar(select(FishboneDiagram).where(FishboneDiagram.project_id == project.id))
    cause = db.session.scalar(select(FishboneCause).where(FishboneCause.diagram_id == diagram.id).order_by(FishboneCause.id))
    category = db.session.scalar(select(FishboneCategory).where(FishboneCategory.diagram_id == diagram.id))
    insider = user("john@demo.example")
    item = evidence.add_evidence(cause, insider, {"kind": "file"}, FileStorage(io.BytesIO(b"photo"), filename="photo.txt"))
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.project_id == project.id))
    actions.attach_evidence(action, FileStorage(io.BytesIO(b"measured"), filename="report.txt"))
    db.session.commit()
    row = db.session.scalar(select(FmeaRow).join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id).where(FmeaDocument.project_id == project.id))
    check = db.session.scalar(select(EffectivenessCheck).where(EffectivenessCheck.project_id == project.id))
    from workbench.complaint_import.models import Complaint

    ids = {
        "project_id": project.id,
        "team_id": project.team_id,
        "cause_id": cause.id,
        "category_id": category.id,
        "evidence_id": item.id,
        "row_id": row.id,
        "document_id": row.document_id,
        "action_id": action.id,
        "check_id": check.id,
        "complaint_id": db.session.scalar(select(func.min(Complaint.id))),
        "theme_id": _a_theme(db),
        "insider_id": insider.id,
    }
    assert all(ids.values()), ids
    return {
        "ids": ids,
        "project": project,
        "insider": insider,
        "outsider": user("sara@demo.example"),
        "viewer": user("viewer@demo.example"),
        "qm": user("qm@demo.example"),
    }


def _a_theme(db):
    """A recurring theme (organisation-wide, like complaints), made when the demo has none."""
    from workbench.complaint_import.models import Theme

    theme = db.session.scalar(select(Theme).order_by(Theme.id))
    if theme is None:
        theme = Theme(name="late delivery")
        db.session.add(theme)
        db.session.commit()
    return theme.id
