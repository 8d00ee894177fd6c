from workbench.fmea import checks, services
from workbench.fmea.demo import DEMO_PROJECT
from workbench.teams.models import ImprovementProject


def test_demo_project_has_an_fmea(app, db):
    from workbench.demo import load_demo

    summary = load_demo(complaints=10)
    assert summary["fmea rows"] == 8
    project = db.session.scalar(db.select(ImprovementProject).where(ImprovementProject.title == DEMO_PROJECT))
    rows = services.row_dicts(services.document_of(project))
    assert len(rows) == 8
    assert {r["action_priority"] for r in rows} == {"H", "M", "L"}
    codes = {i["code"] for found in checks.issues(rows).values() for i in found}
    assert {"effect_severity", "high_without_action"} <= codes
    assert load_demo(complaints=10)["fmea rows"] == 0  # a second run adds nothing
