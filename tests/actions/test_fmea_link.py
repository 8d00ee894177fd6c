"""One record in two places: an FMEA row's recommended action is a corrective action of the project's tracker."""

import json
import re
from datetime import date

from sqlalchemy import event

from workbench.actions.models import CorrectiveAction, EffectivenessCheck
from workbench.extensions import db as _db
from workbench.models import AuditLog

PASSWORD = "correct horse battery"


def _row(client, project, **fields):
    body = {"process_step": "Dispatch", "failure_mode": "Order shipped late", "failure_cause": "Stock list out of date",
            "severity": 7, "occurrence": 5, "detection": 6, **fields}
    response = client.post(f"/api/v1/projects/{project.id}/fmea/rows", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _create_action(client, row_id, status=201):
    response = client.post(f"/api/v1/fmea-rows/{row_id}/actions")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_create_from_a_row_uses_its_action_owner_and_target_date(client, login, setup, db):
    login(setup["leader"])
    row = _row(client, setup["project"], prevention_action="Daily stock sync with sales", responsible_id=setup["member"].id,
               target_date="2026-04-01")
    body = _create_action(client, row["id"])
    assert body["message"] is None
    assert body["action"]["title"] == "Daily stock sync with sales" and body["action"]["status"] == "open"
    action = client.get(f"/api/v1/actions/{body['action']['id']}").get_json()
    assert action["fmea_row_id"] == row["id"] and action["type"] == "corrective"
    assert action["owner_id"] == setup["member"].id and action["due_date"] == "2026-04-01"
    # The same record is listed in the project's tracker and on the row.
    listed = client.get(f"/api/v1/projects/{setup['project'].id}/actions").get_json()["items"]
    assert [a["id"] for a in listed] == [action["id"]]
    assert [a["id"] for a in body["row"]["corrective_actions"]] == [action["id"]]
    assert body["row"]["corrective_actions"][0]["url"] == f"/actions/{action['id']}"
    # Written through the actions services: the audit trail names the person who created it.
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.table_name == "corrective_actions", AuditLog.record_id == str(action["id"])).limit(1))
    assert entry is not None and entry.actor == setup["leader"].email


def test_row_without_action_text_or_target_date_gets_clear_defaults(client, login, setup):
    login(setup["leader"])
    row = _row(client, setup["project"])
    body = _create_action(client, row["id"])
    assert body["action"]["title"] == "Action for: Stock list out of date"
    assert body["action"]["owner"] == setup["leader"].name
    assert body["action"]["due_date"] == "2026-04-09"  # frozen today 2026-03-10 + 30 days
    assert "no target date" in body["message"] and "Apr 9, 2026" in body["message"]


def test_status_changed_in_the_tracker_shows_in_the_fmea(client, login, setup):
    login(setup["leader"])
    pid = setup["project"].id
    row = _row(client, setup["project"], detection_action="Check the list at pick-up", target_date="2026-03-01",
               revised_severity=7, revised_occurrence=2, revised_detection=3)
    action = _create_action(client, row["id"])["action"]
    one = client.get(f"/api/v1/fmea-rows/{row['id']}").get_json()
    assert one["corrective_actions"][0]["overdue"] is True  # due 2026-03-01, today 2026-03-10
    assert one["action_status"] == "open"
    issues = client.get(f"/api/v1/projects/{pid}/fmea/issues").get_json()["issues"]
    assert "revised_before_completion" in [i["code"] for i in issues[str(row["id"])]]

    version = client.get(f"/api/v1/actions/{action['id']}").get_json()["version"]
    assert client.patch(f"/api/v1/actions/{action['id']}", json={"status": "in_progress", "version": version}).status_code == 200
    one = client.get(f"/api/v1/fmea-rows/{row['id']}").get_json()
    assert one["corrective_actions"][0]["status"] == "in_progress" and one["action_status"] == "implementation_pending"

    version = client.get(f"/api/v1/actions/{action['id']}").get_json()["version"]
    assert client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done", "version": version}).status_code == 200
    listed = client.get(f"/api/v1/projects/{pid}/fmea/rows").get_json()["items"][0]
    assert listed["corrective_actions"][0]["status"] == "done" and listed["corrective_actions"][0]["overdue"] is False
    assert listed["action_status"] == "completed"
    # An open FMEA page polls for changes: the tracker's change reaches it although the row itself did not change.
    polled = client.get(f"/api/v1/projects/{pid}/fmea/rows?changed_since=2999-01-01T00:00:00").get_json()
    assert polled["items"] == []
    assert polled["links"][str(row["id"])]["corrective_actions"][0]["status"] == "done"
    assert polled["links"][str(row["id"])]["action_status"] == "completed"
    issues = client.get(f"/api/v1/projects/{pid}/fmea/issues").get_json()["issues"]
    assert "revised_before_completion" not in [i["code"] for i in issues.get(str(row["id"]), [])]

    page = client.get(f"/projects/{pid}/fmea").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="fmea-data">(.*?)</script>', page, re.S).group(1))
    values = dict(zip(data["keys"], data["rows"][0], strict=False))
    assert values["action_status"] == "completed"
    assert values["corrective_actions"][0]["title"] == "Check the list at pick-up"
    assert values["corrective_actions"][0]["status_label"] == "Done"
    assert "corrective_actions" in [c["field"] for c in data["columns"]]
    # The FMEA does not keep a second status: typing another one there is refused with the reason.
    refused = client.patch(f"/api/v1/fmea-rows/{row['id']}", json={"version": listed["version"], "action_status": "open"})
    assert refused.status_code == 400 and "follows its corrective actions" in refused.get_json()["errors"]["action_status"]
    # A client sending the row back as it read it is fine.
    echoed = client.patch(f"/api/v1/fmea-rows/{row['id']}", json={**listed, "remarks": "checked"})
    assert echoed.status_code == 200, echoed.get_json()


def test_other_team_gets_404_and_viewer_403(client, login, setup, db):
    login(setup["leader"])
    row = _row(client, setup["project"], prevention_action="Daily stock sync")
    _create_action(client, row["id"])
    client.post("/logout")
    login(setup["outsider"])
    assert client.post(f"/api/v1/fmea-rows/{row['id']}/actions").status_code == 404
    assert client.get(f"/api/v1/fmea-rows/{row['id']}").status_code == 404
    client.post("/logout")
    login(setup["viewer"])
    assert client.post(f"/api/v1/fmea-rows/{row['id']}/actions").status_code == 403
    seen = client.get(f"/api/v1/fmea-rows/{row['id']}").get_json()
    assert [a["title"] for a in seen["corrective_actions"]] == ["Daily stock sync"]
    assert db.session.scalar(db.select(db.func.count(CorrectiveAction.id))) == 1


def test_an_action_cannot_link_to_another_projects_row(client, login, setup, make_project):
    login(setup["leader"])
    other = make_project(team=setup["team"], title="Other")
    row = _row(client, other, process_step="Secret step")
    response = client.post(f"/api/v1/projects/{setup['project'].id}/actions",
                           json={"title": "Mislinked", "type": "corrective", "owner_id": setup["member"].id,
                                 "due_date": "2026-04-01", "fmea_row_id": row["id"]})
    assert response.status_code == 400
    assert f"No FMEA row {row['id']}" in response.get_json()["errors"]["fmea_row_id"]
    assert client.get(f"/api/v1/fmea-rows/{row['id']}").get_json()["corrective_actions"] == []


def test_action_page_shows_the_row_it_addresses(client, login, setup):
    login(setup["member"])
    row = _row(client, setup["project"], process_step="Dispatch <b>bay</b>", prevention_action="Sync")
    action = _create_action(client, row["id"])["action"]
    page = client.get(f"/actions/{action['id']}").get_data(as_text=True)
    assert "FMEA row this action addresses" in page
    assert "Dispatch &lt;b&gt;bay&lt;/b&gt;" in page and "Order shipped late" in page and "Stock list out of date" in page
    assert "7 / 5 / 6" in page and f'href="/projects/{setup["project"].id}/fmea"' in page


def _ready_to_close(db, project):
    db.session.add(EffectivenessCheck(project_id=project.id, criteria="fewer complaints", actions_on=date(2026, 1, 1),
                                      check_date=date(2026, 3, 1), decision="accepted", before_count=10, after_count=2,
                                      p_value=0.02, measured_at=None, decision_note=""))
    project.stage = "verify"  # closing happens from Verify, the stage before Closed
    db.session.commit()


def test_project_cannot_close_while_rows_with_actions_are_not_rerated(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    pid = setup["project"].id
    _row(client, setup["project"], failure_cause="No action here")  # no action: not counted
    written = _row(client, setup["project"], prevention_action="Sync stock daily")
    linked = _row(client, setup["project"], failure_cause="Linked only")
    action = _create_action(client, linked["id"])["action"]
    for status in ("done", "verified"):
        version = client.get(f"/api/v1/actions/{action['id']}").get_json()["version"]
        assert client.patch(f"/api/v1/actions/{action['id']}", json={"status": status, "version": version}).status_code == 200
    signature = {"password": PASSWORD, "meaning": "approved_closure"}
    refused = client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "closed", "signature": signature})
    assert refused.status_code == 400
    message = refused.get_json()["errors"]["stage"]
    assert "2 FMEA rows with an action are not re-rated" in message and "rows 2, 3 of" in message
    assert client.get(f"/api/v1/projects/{pid}").get_json()["stage"] != "closed"

    for row in (written, linked):
        current = client.get(f"/api/v1/fmea-rows/{row['id']}").get_json()
        rerated = {"version": current["version"], "revised_severity": 7, "revised_occurrence": 2, "revised_detection": 3}
        assert client.patch(f"/api/v1/fmea-rows/{row['id']}", json=rerated).status_code == 200
    closed = client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "closed", "signature": signature})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["stage"] == "closed"


def test_rows_api_query_count_does_not_grow_with_rows(client, login, setup):
    login(setup["leader"])
    pid = setup["project"].id

    def count_queries():
        statements = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", listen)
        try:
            response = client.get(f"/api/v1/projects/{pid}/fmea/rows")
            assert response.status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listen)
        return len(statements), response.get_json()["items"]

    for n in range(2):
        _create_action(client, _row(client, setup["project"], prevention_action=f"Action {n}")["id"])
    small, items = count_queries()
    assert all(len(item["corrective_actions"]) == 1 for item in items)
    for n in range(2, 10):
        _create_action(client, _row(client, setup["project"], prevention_action=f"Action {n}")["id"])
    large, items = count_queries()
    assert len(items) == 10 and all(len(item["corrective_actions"]) == 1 for item in items)
    assert large == small
