"""Signed means frozen: every write route of a closed project, in pages and the API, is refused and changes nothing."""

import hashlib
from datetime import date

import pytest
from sqlalchemy import select, text

from workbench.actions import effectiveness, lifecycle
from workbench.actions import services as actions
from workbench.actions.models import EffectivenessCheck
from workbench.fishbone import evidence, voting
from workbench.fishbone import services as fishbone
from workbench.fishbone.models import FishboneCategory
from workbench.fmea import services as fmea
from workbench.teams.stages import change_stage

# Routes that move the stage itself: ``change_stage`` judges them (tested in test_lifecycle.py).
LIFECYCLE_ENDPOINTS = {"api.reopen_project", "actions.reopen"}


@pytest.fixture
def closed(app, db, setup):
    """A project with a fishbone (cause, evidence, votes), an FMEA row, an action, a check and a charter; then closed."""
    project, qm = setup["project"], setup["qm"]
    diagram = fishbone.create_diagram(project)
    db.session.flush()
    category = db.session.scalar(select(FishboneCategory).where(FishboneCategory.diagram_id == diagram.id))
    cause = fishbone.add_cause(diagram, qm, {"text": "Carrier picks up late", "category_id": category.id})
    db.session.flush()
    item = evidence.add_evidence(cause, qm, {"kind": "text", "text": "Gate log of March"})
    voting.open_session(diagram, qm, 3)
    row = fmea.create_row(project, {"failure_mode": "Late dispatch", "severity": 7, "occurrence": 5, "detection": 4})
    action = actions.save_action(None, project, {"title": "Daily pick-up slot", "type": "corrective",
                                                 "owner_id": setup["leader"].id, "due_date": date(2026, 3, 20)})
    check = effectiveness.save_check(None, project, {"criteria": "fewer complaints", "actions_on": date(2026, 1, 1),
                                                     "check_date": date(2026, 3, 1)})
    lifecycle.save_charter(project.id, {"is_text": "Tehran depot"})
    db.session.flush()
    ids = {"project_id": project.id, "cause_id": cause.id, "category_id": category.id, "evidence_id": item.id,
           "row_id": row.id, "document_id": row.document_id, "action_id": action.id, "check_id": check.id,
           "token": "0" * 32, "action": "rename"}
    for stage in ("contain", "analyse", "improve", "verify"):
        change_stage(project, qm, stage)
    # The closing gates are tested elsewhere; here the project is simply signed and closed.
    action.status, check.decision, check.measured_at = "verified", "accepted", check.created_at
    lifecycle.CLOSE_CHECKS.replace(app, [])
    lifecycle.close_project(project, qm, "correct horse battery", "approved_closure")
    db.session.commit()
    return ids


def _snapshot(db) -> str:
    """A digest of every row of every table: equal digests mean nothing was written."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")):  # noqa: S608 (table names from the model)
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _write_rules(app, ids):
    for rule in app.url_map.iter_rules():
        methods = sorted(set(rule.methods) & {"POST", "PUT", "PATCH", "DELETE"})
        if not methods or not rule.arguments or not rule.arguments <= set(ids) or rule.endpoint in LIFECYCLE_ENDPOINTS:
            continue
        if not rule.arguments & {"project_id", "cause_id", "category_id", "evidence_id", "row_id", "document_id", "action_id", "check_id"}:
            continue
        for method in methods:
            yield method, rule


def test_every_write_route_of_a_signed_project_is_refused_and_nothing_changes(app, client, login, setup, db, closed):
    login(setup["qm"])
    before = _snapshot(db)
    tried, accepted = [], []
    for method, rule in _write_rules(app, closed):
        url = rule.build({key: closed[key] for key in rule.arguments}, append_unknown=False)[1]
        if url.startswith("/api/"):
            response = client.open(url, method=method, json={"text": "changed", "title": "changed", "stage": "verify",
                                                            "is_text": "changed", "decision": "accepted", "note": "ok"})
        else:
            response = client.open(url, method=method, data={"text": "changed", "title": "changed", "name": "changed"})
        tried.append(rule.endpoint)
        if response.status_code != 409 and not (rule.endpoint in {"api.update_project", "api.close_project", "actions.close_page",
                                                                   "actions.stage_move"} and response.status_code in (302, 400)):
            accepted.append((method, url, response.status_code))
        db.session.rollback()
    assert not accepted, accepted
    assert len(tried) >= 50
    assert _snapshot(db) == before


def test_frozen_message_is_clear_in_pages_and_api(client, login, setup, db, closed):
    login(setup["leader"])
    api = client.patch(f"/api/v1/actions/{closed['action_id']}", json={"title": "changed"})
    assert api.status_code == 409 and api.get_json()["error"] == "frozen"
    assert "read-only until a quality manager reopens it" in api.get_json()["message"]
    page = client.post(f"/projects/{closed['project_id']}/lifecycle", data={"charter-is_text": "changed"})
    assert page.status_code == 409 and "read-only" in page.get_data(as_text=True)
    client.get("/?lang=fa")
    persian = client.patch(f"/api/v1/fmea-rows/{closed['row_id']}", json={"severity": 9})
    assert persian.status_code == 409 and "فقط‌خواندنی" in persian.get_json()["message"]


def test_services_refuse_too_for_imports_and_the_cli(setup, db, closed):
    from workbench.fishbone.outline import import_outline
    from workbench.validation import Frozen

    project = db.session.get(type(setup["project"]), closed["project_id"])
    before = _snapshot(db)
    with pytest.raises(Frozen):
        import_outline(project, setup["qm"], "Late deliveries\nPeople\n  Drivers leave early\n")
    with pytest.raises(Frozen):
        fmea.create_rows(project, [{"failure_mode": "imported"}])
    with pytest.raises(Frozen):
        effectiveness.measure(db.session.get(EffectivenessCheck, closed["check_id"]))
    db.session.rollback()
    assert _snapshot(db) == before


def test_a_quality_manager_reopens_with_a_reason_and_it_is_editable_again(client, login, setup, db, closed):
    login(setup["qm"])
    pid = closed["project_id"]
    assert client.post(f"/api/v1/projects/{pid}/reopen", json={"reason": ""}).status_code == 400
    response = client.post(f"/projects/{pid}/reopen", data={"reopen-reason": "Complaints came back", "reopen-stage": "improve"})
    assert response.status_code == 302
    page = client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)
    assert "Complaints came back" in page
    assert client.patch_read(f"/api/v1/actions/{closed['action_id']}", json={"title": "Two pick-up slots"}).status_code == 200
