"""A member cannot hang another team's cause, FMEA row or person on their own project's records."""

from sqlalchemy import select

from workbench.demo import DEMO_PASSWORD
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.teams.models import ImprovementProject

DELIVERY = "کاهش تأخیر در تحویل سفارش‌ها"


def _delivery(db):
    return db.session.scalar(select(ImprovementProject).where(ImprovementProject.title == DELIVERY))


def test_action_cannot_link_another_projects_cause_or_row(client, login, db, demo):
    own = _delivery(db)
    login(demo["outsider"], DEMO_PASSWORD)  # sara leads the delivery team
    body = {"title": "Borrowed", "type": "corrective", "owner_id": demo["outsider"].id, "due_date": "2026-12-01"}
    response = client.post(f"/api/v1/projects/{own.id}/actions", json={**body, "cause_id": demo["ids"]["cause_id"]})
    assert response.status_code == 400
    assert "cause_id" in response.get_json()["errors"]
    response = client.post(f"/api/v1/projects/{own.id}/actions", json={**body, "fmea_row_id": demo["ids"]["row_id"]})
    assert response.status_code == 400
    assert "fmea_row_id" in response.get_json()["errors"]
    # Its own cause is fine.
    own_cause = db.session.scalar(
        select(FishboneCause.id).join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        .where(FishboneDiagram.project_id == own.id)
    )
    assert client.post(f"/api/v1/projects/{own.id}/actions", json={**body, "cause_id": own_cause}).status_code == 201


def test_action_owner_must_be_in_the_team(client, login, db, demo):
    """Otherwise the action's title reaches an outsider through reminders."""
    own = _delivery(db)
    login(demo["outsider"], DEMO_PASSWORD)
    body = {"title": "Secret plan", "type": "corrective", "due_date": "2026-12-01"}
    response = client.post(f"/api/v1/projects/{own.id}/actions", json={**body, "owner_id": demo["ids"]["insider_id"]})
    assert response.status_code == 400
    assert "owner_id" in response.get_json()["errors"]
    assert client.post(f"/api/v1/projects/{own.id}/actions", json={**body, "owner_id": demo["qm"].id}).status_code == 201


def test_fmea_row_cannot_claim_another_projects_cause(client, login, db, demo):
    own = _delivery(db)
    login(demo["outsider"], DEMO_PASSWORD)
    cause = demo["ids"]["cause_id"]
    response = client.post(f"/api/v1/projects/{own.id}/fmea/rows", json={"failure_cause": "x", "cause_id": cause})
    assert response.status_code == 400
    assert "cause_id" in response.get_json()["errors"]
    response = client.post(f"/api/v1/projects/{own.id}/fmea/rows/from-causes", json={"causes": [{"id": cause, "text": "x"}]})
    assert response.status_code == 400


def test_an_action_whose_cause_was_deleted_or_owner_left_can_still_be_closed(client, login, db, demo):
    from workbench.actions.models import CorrectiveAction
    from workbench.fishbone.models import FishboneCause
    from workbench.teams.models import TeamMembership

    login(demo["insider"], DEMO_PASSWORD)
    pid, cause_id = demo["ids"]["project_id"], demo["ids"]["cause_id"]
    neda = db.session.scalar(select(TeamMembership).where(TeamMembership.team_id == demo["ids"]["team_id"],
                                                          TeamMembership.user_id != demo["insider"].id))
    body = {"title": "Seal check", "type": "corrective", "owner_id": neda.user_id, "due_date": "2026-12-01", "cause_id": cause_id}
    action = client.post(f"/api/v1/projects/{pid}/actions", json=body).get_json()
    db.session.execute(FishboneCause.__table__.delete().where(FishboneCause.id == cause_id))
    db.session.delete(db.session.get(TeamMembership, neda.id))
    db.session.commit()
    response = client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done", "version": action["version"]})
    assert response.status_code == 200, response.get_json()
    assert db.session.get(CorrectiveAction, action["id"]).status == "done"
