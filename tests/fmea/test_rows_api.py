"""The rows API: create, read, change with version (409), delete, validation, access and audit."""

from tests.fmea.conftest import fishbone_causes
from workbench import audit
from workbench.fmea import services
from workbench.fmea.models import FmeaRow

ROW = {
    "process_item": "Refrigerator assembly",
    "process_step": "Compressor mounting",
    "work_element": "Assembler",
    "work_element_type": "man",
    "function": "Fit compressor on rubber mounts",
    "failure_effect": "Humming noise at home",
    "severity": 7,
    "failure_mode": "Mount not seated",
    "failure_cause": "Operator skips a mount",
    "prevention_control": "Work instruction",
    "occurrence": 6,
    "detection_control": "Visual check",
    "detection": 7,
}


def rows_url(project):
    return f"/api/v1/projects/{project.id}/fmea/rows"


def test_create_and_list_rows_with_rpn_and_ap(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    created = api("post", rows_url(project), ROW)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["rpn"] == 7 * 6 * 7
    assert body["action_priority"] == "H"
    assert body["version"] == 1
    for key, value in ROW.items():
        assert body[key] == value
    for key in ("responsible_id", "target_date", "action_status", "revised_rpn", "revised_action_priority", "cause_id", "remarks"):
        assert key in body
    listed = api("get", rows_url(project)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]


def test_patch_recomputes_and_a_stale_version_gets_409_with_both_values(team_project, login, api, client):
    project, leader, _ = team_project
    login(leader)
    row = api("post", rows_url(project), ROW).get_json()
    changed = api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "occurrence": 2})
    assert changed.status_code == 200
    assert changed.get_json()["rpn"] == 7 * 2 * 7
    assert changed.get_json()["action_priority"] == "M"
    assert changed.get_json()["version"] == 2
    stale = api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": 1, "occurrence": 9})
    assert stale.status_code == 409
    conflict = stale.get_json()
    assert conflict["current"]["occurrence"] == 2
    assert conflict["submitted"]["occurrence"] == 9
    assert api("get", f"/api/v1/fmea-rows/{row['id']}").get_json()["occurrence"] == 2


def test_two_people_edit_different_rows_without_collision(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    first = api("post", rows_url(project), ROW).get_json()
    second = api("post", rows_url(project), {**ROW, "failure_cause": "Wrong mount type"}).get_json()
    assert api("patch", f"/api/v1/fmea-rows/{first['id']}", {"version": 1, "detection": 3}).status_code == 200
    assert api("patch", f"/api/v1/fmea-rows/{second['id']}", {"version": 1, "detection": 4}).status_code == 200


def test_bad_ratings_are_refused_with_clear_messages(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    for bad, words in ((0, "between 1 and 10"), (11, "between 1 and 10"), ("x", "whole number")):
        answer = api("post", rows_url(project), {**ROW, "severity": bad})
        assert answer.status_code == 400
        message = answer.get_json()["errors"]["severity"]
        assert words in message and "Severity" in message
    row = api("post", rows_url(project), ROW).get_json()
    answer = api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": 1, "revised_detection": 11, "occurrence": "x"})
    assert answer.status_code == 400
    assert set(answer.get_json()["errors"]) == {"revised_detection", "occurrence"}
    assert api("get", f"/api/v1/fmea-rows/{row['id']}").get_json()["occurrence"] == 6  # nothing half-written
    assert api("get", rows_url(project)).get_json()["total"] == 1


def test_other_values_are_validated(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    answer = api("post", rows_url(project), {**ROW, "work_element_type": "robot", "target_date": "31/12/2026", "colour": "red"})
    errors = answer.get_json()["errors"]
    assert set(errors) == {"work_element_type", "target_date", "colour"}


def test_delete_row(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    row = api("post", rows_url(project), ROW).get_json()
    assert api("delete", f"/api/v1/fmea-rows/{row['id']}", {"version": 1}).status_code == 204
    assert api("get", rows_url(project)).get_json()["total"] == 0
    entries = audit.history("fmea_rows", row["id"])
    assert entries[-1].action == "delete"


def test_every_change_lands_in_the_audit_trail(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    row = api("post", rows_url(project), ROW).get_json()
    api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": 1, "severity": 8})
    changes = [(e.action, e.field, e.old_value, e.new_value, e.actor) for e in audit.history("fmea_rows", row["id"])]
    assert ("update", "severity", "7", "8", leader.email) in changes
    assert any(c[0] == "create" and c[1] == "failure_mode" for c in changes)


def test_other_team_gets_404_and_viewer_403(team_project, login, api, make_user, make_team, client):
    project, leader, _ = team_project
    login(leader)
    row = api("post", rows_url(project), ROW).get_json()
    outsider_team = make_team()
    outsider = outsider_team.memberships[0].user
    client.post("/logout")
    login(outsider)
    assert api("get", rows_url(project)).status_code == 404
    assert api("get", f"/api/v1/fmea-rows/{row['id']}").status_code == 404
    assert api("patch", f"/api/v1/fmea-rows/{row['id']}", {"severity": 1}).status_code == 404
    assert api("post", rows_url(project), ROW).status_code == 404
    assert client.get(f"/projects/{project.id}/fmea").status_code == 404
    assert client.get(f"/projects/{project.id}/fmea.xlsx").status_code == 404
    client.post("/logout")
    viewer = make_user(role="viewer")
    login(viewer)
    assert api("get", rows_url(project)).status_code == 200
    assert api("patch", f"/api/v1/fmea-rows/{row['id']}", {"severity": 1}).status_code == 403
    assert api("delete", f"/api/v1/fmea-rows/{row['id']}").status_code == 403
    assert client.post(f"/projects/{project.id}/fmea/revisions", data={"label": "x"}).status_code == 403


def test_sort_and_filter(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    api("post", rows_url(project), {**ROW, "severity": 2, "occurrence": 2, "detection": 2})
    api("post", rows_url(project), {**ROW, "severity": 10, "occurrence": 9, "detection": 9})
    api("post", rows_url(project), {**ROW, "severity": 5, "occurrence": 5, "detection": 7})
    by_rpn = api("get", rows_url(project) + "?sort=rpn").get_json()["items"]
    assert [r["rpn"] for r in by_rpn] == [810, 175, 8]
    only_h = api("get", rows_url(project) + "?ap=H").get_json()["items"]
    assert [r["severity"] for r in only_h] == [10]
    assert api("get", rows_url(project) + "?sort=colour").status_code == 400


def test_rows_from_fishbone_causes_skip_those_already_present(team_project, db, login):
    project, leader, _ = team_project
    c11, c12, c13 = fishbone_causes(db, project, "Worn mount", "No torque check", "Dusty line")
    causes = [{"id": c11, "text": "Worn mount", "category": "material"}, {"id": c12, "text": "No torque check", "category": "method"}]
    created = services.add_rows_from_causes(project, causes, leader)
    db.session.commit()
    assert [(r.failure_cause, r.cause_id, r.work_element_type) for r in created] == [
        ("Worn mount", c11, "material"),
        ("No torque check", c12, "method"),
    ]
    again = services.add_rows_from_causes(project, causes + [{"id": c13, "text": "Dusty line", "category": "environment"}], leader)
    db.session.commit()
    assert [r.cause_id for r in again] == [c13]
    assert [r.cause_id for r in services.rows_for_cause(c12)] == [c12]
    assert db.session.query(FmeaRow).count() == 3


def test_consistency_issues(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    a = api("post", rows_url(project), {**ROW, "severity": 7}).get_json()
    b = api("post", rows_url(project), {**ROW, "severity": 8, "failure_effect": "  humming noise at HOME "}).get_json()
    c = api("post", rows_url(project), {**ROW, "failure_effect": "Dent", "severity": 4, "occurrence": 3, "detection": 3,
                                        "revised_severity": 4, "revised_occurrence": 2, "revised_detection": 3}).get_json()
    issues = api("get", f"/api/v1/projects/{project.id}/fmea/issues").get_json()["issues"]
    codes = {k: {i["code"] for i in v} for k, v in issues.items()}
    assert "effect_severity" in codes[str(a["id"])] and "effect_severity" in codes[str(b["id"])]
    assert "high_without_action" in codes[str(a["id"])]
    assert "revised_before_completion" in codes[str(c["id"])]
    api("patch", f"/api/v1/fmea-rows/{a['id']}", {"version": a["version"], "severity": 8, "prevention_action": "Poka-yoke fixture"})
    api("patch", f"/api/v1/fmea-rows/{c['id']}", {"version": c["version"], "action_status": "completed"})
    issues = api("get", f"/api/v1/projects/{project.id}/fmea/issues").get_json()["issues"]
    assert str(a["id"]) not in issues and str(c["id"]) not in issues
    assert {i["code"] for i in issues[str(b["id"])]} == {"high_without_action"}


def test_settings_switch_priority_to_rpn(team_project, login, api, make_user, client):
    project, leader, _ = team_project
    login(leader)
    assert api("patch", "/api/v1/fmea/settings", {"priority_driver": "rpn"}).status_code == 403
    row = api("post", rows_url(project), {**ROW, "severity": 5, "occurrence": 5, "detection": 5, "failure_effect": "x"}).get_json()
    assert api("get", f"/api/v1/projects/{project.id}/fmea/issues").get_json()["issues"] == {}
    client.post("/logout")
    login(make_user(role="quality_manager"))
    assert api("patch", "/api/v1/fmea/settings", {"priority_driver": "rpn", "rpn_threshold": 0}).status_code == 400
    answer = api("patch", "/api/v1/fmea/settings", {"priority_driver": "rpn", "rpn_threshold": 120})
    assert answer.get_json()["priority_driver"] == "rpn"
    issues = api("get", f"/api/v1/projects/{project.id}/fmea/issues").get_json()["issues"]
    assert [i["code"] for i in issues[str(row["id"])]] == ["high_without_action"]  # RPN 125 ≥ 120


def test_document_header_api(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    empty = api("get", f"/api/v1/projects/{project.id}/fmea").get_json()
    assert empty["id"] is None
    saved = api("patch", f"/api/v1/projects/{project.id}/fmea", {"kind": "design", "customer": "Retail"}).get_json()
    assert saved["kind"] == "design" and saved["customer"] == "Retail" and saved["version"] == 2
    assert api("patch", f"/api/v1/projects/{project.id}/fmea", {"version": 1, "customer": "x"}).status_code == 409
    assert api("patch", f"/api/v1/projects/{project.id}/fmea", {"kind": "system", "version": saved["version"]}).status_code == 400
    assert saved["rating_scale"] == "manufacturing"
    service = api("patch", f"/api/v1/projects/{project.id}/fmea", {"rating_scale": "service", "version": saved["version"]}).get_json()
    assert service["rating_scale"] == "service" and service["customer"] == "Retail"
    refused = api("patch", f"/api/v1/projects/{project.id}/fmea", {"rating_scale": "bakery", "version": service["version"]})
    assert refused.status_code == 400 and "rating_scale" in refused.get_json()["errors"]
    assert api("get", f"/api/v1/projects/{project.id}/fmea").get_json()["rating_scale"] == "service"


def test_rows_from_causes_api(team_project, login, api, db):
    project, leader, _ = team_project
    c5, c6 = fishbone_causes(db, project, "Worn nozzle", "Draft")
    login(leader)
    url = f"/api/v1/projects/{project.id}/fmea/rows/from-causes"
    first = api("post", url, {"causes": [{"id": c5, "text": "Worn nozzle", "category": "machine"}]})
    assert first.status_code == 201 and first.get_json()["items"][0]["cause_id"] == c5
    again = api("post", url, {"causes": [{"id": c5, "text": "Worn nozzle"}, {"id": c6, "text": "Draft"}]}).get_json()
    assert [r["cause_id"] for r in again["items"]] == [c6]
    assert api("post", url, {"causes": [{"text": "no id"}]}).status_code == 400


def test_changed_since_answers_rows_changed_by_others_and_current_ids(team_project, login, api):
    project, leader, _ = team_project
    login(leader)
    first = api("post", rows_url(project), ROW).get_json()
    second = api("post", rows_url(project), ROW).get_json()
    start = api("get", rows_url(project) + "?changed_since=2000-01-01T00:00:00").get_json()
    assert {r["id"] for r in start["items"]} == {first["id"], second["id"]}
    api("patch", f"/api/v1/fmea-rows/{first['id']}", {"version": 1, "detection": 2})
    api("delete", f"/api/v1/fmea-rows/{second['id']}")
    later = api("get", rows_url(project) + "?changed_since=" + start["now"].replace("+", "%2B")).get_json()
    assert [r["id"] for r in later["items"]] == [first["id"]] and later["items"][0]["detection"] == 2
    assert later["ids"] == [first["id"]]
    assert api("get", rows_url(project) + "?changed_since=yesterday").status_code == 400
