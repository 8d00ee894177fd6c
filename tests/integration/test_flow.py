"""One improvement project through every capability: fishbone → FMEA → action → trace → 8D report."""

import shutil
import subprocess

import pytest

from workbench.actions import report


@pytest.fixture
def meeting(client, login, make_team, make_project, make_user):
    team = make_team()
    project = make_project(team=team, title="Late deliveries")
    leader = team.memberships[0].user
    login(leader)
    assert client.post(f"/api/v1/projects/{project.id}/fishbone", json={"template": "6m"}).status_code in (200, 201)
    diagram = client.get(f"/api/v1/projects/{project.id}/fishbone").get_json()
    people = diagram["categories"][0]["id"]
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Driver shortage", "category_id": people}).get_json()
    return {"project": project, "leader": leader, "cause": cause}


def _verify(client, cause):
    response = client.post(f"/api/v1/causes/{cause['id']}/verify", json={"status": "verified", "evidence": "Shift logs, May", "version": cause["version"]})
    assert response.status_code == 200, response.get_json()


def test_verified_root_cause_goes_to_the_fmea_with_one_click_and_links_both_ways(client, meeting):
    project, cause = meeting["project"], meeting["cause"]
    _verify(client, cause)
    response = client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes")
    assert response.status_code == 200, response.get_json()
    rows = client.get(f"/api/v1/projects/{project.id}/fmea/rows").get_json()
    rows = rows["items"] if isinstance(rows, dict) else rows
    assert [(r["failure_cause"], r["cause_id"], r["work_element_type"]) for r in rows] == [("Driver shortage", cause["id"], "man")]
    # Sending again adds nothing.
    client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes")
    again = client.get(f"/api/v1/projects/{project.id}/fmea/rows").get_json()
    assert len(again["items"] if isinstance(again, dict) else again) == 1
    # The cause shows the FMEA row made from it (the cause panel of the fishbone page reads this).
    links = client.get(f"/api/v1/causes/{cause['id']}").get_json()["links"]
    assert [link["label"].split(" ·")[0] for link in links] == [f"FMEA row {rows[0]['id']}"]
    assert links[0]["url"].endswith(f"/projects/{project.id}/fmea#row-{rows[0]['id']}")


def test_trace_and_report_show_cause_row_and_action(client, meeting, app):
    project, cause, leader = meeting["project"], meeting["cause"], meeting["leader"]
    _verify(client, cause)
    client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes")
    rows = client.get(f"/api/v1/projects/{project.id}/fmea/rows").get_json()
    row = (rows["items"] if isinstance(rows, dict) else rows)[0]
    patched = client.patch(f"/api/v1/fmea-rows/{row['id']}", json={"version": row["version"], "failure_mode": "Order shipped late", "severity": 7, "occurrence": 6, "detection": 5})
    assert patched.status_code == 200, patched.get_json()
    action = client.post(
        f"/api/v1/projects/{project.id}/actions",
        json={"title": "Add a weekend shift", "type": "corrective", "owner_id": leader.id, "due_date": "2030-01-31"},
    ).get_json()
    client.patch(f"/api/v1/actions/{action['id']}", json={"version": action["version"], "cause_id": cause["id"], "fmea_row_id": row["id"]})
    graph = client.get(f"/api/v1/projects/{project.id}/trace").get_json()
    labels = {n.get("label") for n in graph["nodes"]}
    assert {"Driver shortage", "Add a weekend shift"} <= labels
    assert any("Order shipped late" in (label or "") for label in labels)
    context = report.report_context(project)
    assert 'class="figure"' in context["fishbone"] and "Driver shortage" in context["fishbone"]
    assert context["fmea"]["rows"][0]["failure_mode"] == "Order shipped late"
    if shutil.which("pdftotext"):
        pdf = client.get(f"/projects/{project.id}/report.pdf")
        assert pdf.status_code == 200
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True).stdout.decode()
        assert "Order shipped late" in text and "Add a weekend shift" in text


def test_an_action_links_only_to_causes_and_rows_of_its_own_project(client, meeting, make_project, db):
    project, leader = meeting["project"], meeting["leader"]
    body = {"title": "Check", "type": "corrective", "owner_id": leader.id, "due_date": "2030-01-31"}
    response = client.post(f"/api/v1/projects/{project.id}/actions", json={**body, "cause_id": 999999})
    assert response.status_code == 400 and "999999" in response.get_json()["errors"]["cause_id"]
    response = client.post(f"/api/v1/projects/{project.id}/actions", json={**body, "fmea_row_id": 424242})
    assert response.status_code == 400 and "424242" in response.get_json()["errors"]["fmea_row_id"]
    response = client.post(f"/api/v1/projects/{project.id}/actions", json={**body, "cause_id": meeting["cause"]["id"]})
    assert response.status_code == 201


def test_deleting_a_cause_keeps_the_fmea_row_and_clears_the_link(client, meeting, db):
    from workbench.fmea.models import FmeaRow

    project, cause = meeting["project"], meeting["cause"]
    _verify(client, cause)
    client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes")
    current = client.get(f"/api/v1/causes/{cause['id']}").get_json()
    assert client.delete(f"/api/v1/causes/{cause['id']}", json={"version": current["version"]}).status_code == 200
    db.session.expire_all()
    rows = list(db.session.scalars(db.select(FmeaRow)))
    assert [(r.failure_cause, r.cause_id) for r in rows] == [("Driver shortage", None)]
