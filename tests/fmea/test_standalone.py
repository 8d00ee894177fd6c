"""Standalone FMEAs per process owner: create, edit, RPN/AP, access by role, export, and the list of all FMEAs."""

import io

from openpyxl import load_workbook

from workbench.fmea import services
from workbench.fmea.models import FmeaDocument, FmeaRow

ROW = {
    "process_item": "Refrigerator line 2",
    "process_step": "Door gasket fitting",
    "failure_effect": "Cold air leaks at home",
    "severity": 7,
    "failure_mode": "Gasket not seated",
    "failure_cause": "No seating fixture",
    "occurrence": 6,
    "detection": 7,
}


def create(api, title="Gasket process FMEA", owner="production", kind="process"):
    answer = api("post", "/api/v1/fmea", {"process_owner": owner, "kind": kind, "title": title})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_quality_manager_creates_a_standalone_fmea_and_edits_a_row(db, owners, make_user, login, api):
    manager = make_user(role="quality_manager")
    login(manager)
    document = create(api, kind="design")
    assert document["project_id"] is None
    assert document["process_owner_id"] == owners["production"].id
    assert document["kind"] == "design" and document["title"] == "Gasket process FMEA"

    rows_url = f"/api/v1/fmea/{document['id']}/rows"
    created = api("post", rows_url, ROW)
    assert created.status_code == 201, created.get_json()
    row = created.get_json()
    assert row["rpn"] == 7 * 6 * 7 and row["action_priority"] == "H"

    # A fixture is fitted and the ratings are revised: RPN and AP follow.
    changed = api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "occurrence": 2, "detection": 2})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["rpn"] == 7 * 2 * 2 and changed.get_json()["action_priority"] == "L"
    stale = api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "severity": 8})
    assert stale.status_code == 409

    listed = api("get", rows_url).get_json()
    assert [r["failure_mode"] for r in listed["items"]] == ["Gasket not seated"]
    assert listed["items"][0]["occurrence"] == 2


def test_bad_input_names_the_field_and_stores_nothing(db, owners, make_user, login, api):
    login(make_user(role="quality_manager"))
    answer = api("post", "/api/v1/fmea", {"process_owner": "no-such-process", "kind": "software", "title": ""})
    assert answer.status_code == 400
    errors = answer.get_json()["errors"]
    assert "no-such-process" in errors["process_owner"]
    assert set(errors) == {"process_owner", "kind", "title"}
    assert db.session.query(FmeaDocument).count() == 0

    document = create(api)
    bad = api("post", f"/api/v1/fmea/{document['id']}/rows", {**ROW, "severity": 11, "cause_id": 1})
    assert bad.status_code == 400
    assert "severity" in bad.get_json()["errors"]
    assert db.session.query(FmeaRow).count() == 0
    # A standalone FMEA has no fishbone to link a cause to.
    linked = api("post", f"/api/v1/fmea/{document['id']}/rows", {**ROW, "cause_id": 1})
    assert linked.status_code == 400 and "fishbone" in linked.get_json()["errors"]["cause_id"]


def test_everyone_reads_a_standalone_fmea_but_only_managers_change_it(db, owners, make_user, make_team, login, api, client):
    admin = make_user(role="admin")
    login(admin)
    document = create(api)
    row = api("post", f"/api/v1/fmea/{document['id']}/rows", ROW).get_json()
    client.post("/logout")

    member = make_team().memberships[0].user  # a member of some team, unrelated to the process
    viewer = make_user(role="viewer")
    for user in (member, viewer):
        login(user)
        assert api("get", f"/api/v1/fmea/{document['id']}/rows").status_code == 200
        assert api("get", f"/api/v1/fmea-rows/{row['id']}").status_code == 200
        assert api("post", f"/api/v1/fmea/{document['id']}/rows", ROW).status_code == 403
        assert api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "severity": 2}).status_code == 403
        assert api("delete", f"/api/v1/fmea-rows/{row['id']}").status_code == 403
        assert api("patch", f"/api/v1/fmea/{document['id']}", {"title": "Renamed"}).status_code == 403
        assert api("post", "/api/v1/fmea", {"process_owner": "production", "title": "Mine"}).status_code == 403
        page = client.get(f"/fmea/{document['id']}")
        assert page.status_code == 200
        assert 'id="fmea-add"' not in page.get_data(as_text=True)
        assert client.get("/fmea/new").status_code == 403
        client.post("/logout")
    assert db.session.get(FmeaRow, row["id"]).severity == 7
    assert db.session.query(FmeaDocument).count() == 1


def test_rows_of_project_fmeas_keep_the_team_rule(db, team_project, make_team, make_user, login, api):
    project, leader, _ = team_project
    login(leader)
    row = api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW).get_json()
    document_id = services.document_of(project).id
    api("post", "/logout")

    outsider = make_team().memberships[1].user
    login(outsider)
    assert api("get", f"/api/v1/fmea-rows/{row['id']}").status_code == 404
    assert api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "severity": 2}).status_code == 404
    # Naming the project's FMEA by its document id does not get round the team rule.
    assert api("get", f"/api/v1/fmea/{document_id}/rows").status_code == 404
    assert api("post", f"/api/v1/fmea/{document_id}/rows", ROW).status_code == 404


def test_viewer_reads_but_never_writes_a_project_fmea_row(db, team_project, make_user, login, api, client):
    project, leader, _ = team_project
    login(leader)
    row = api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW).get_json()
    client.post("/logout")
    login(make_user(role="viewer"))
    assert api("get", f"/api/v1/fmea-rows/{row['id']}").status_code == 200
    assert api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "severity": 2}).status_code == 403


def test_new_standalone_page_creates_and_opens_the_table(db, owners, make_user, login, client):
    login(make_user(role="quality_manager"))
    form = client.get("/fmea/new").get_data(as_text=True)
    assert "Production" in form
    response = client.post("/fmea/new", data={"process_owner": owners["sales"].id, "kind": "process", "title": "Order entry"})
    assert response.status_code == 302
    document = db.session.query(FmeaDocument).one()
    assert response.headers["Location"].endswith(f"/fmea/{document.id}")
    page = client.get(f"/fmea/{document.id}").get_data(as_text=True)
    assert "Order entry" in page and "Sales" in page
    assert f"/api/v1/fmea/{document.id}/rows" in page  # the editor talks to this FMEA's rows
    assert 'id="fmea-add"' in page
    missing = client.post("/fmea/new", data={"process_owner": owners["sales"].id, "kind": "process", "title": ""})
    assert missing.status_code == 400
    assert db.session.query(FmeaDocument).count() == 1


def test_xlsx_export_of_a_standalone_fmea(db, owners, make_user, login, api, client):
    login(make_user(role="quality_manager"))
    document = create(api, title="Gasket fitting")
    api("post", f"/api/v1/fmea/{document['id']}/rows", ROW)
    api("post", f"/api/v1/fmea/{document['id']}/rows", {**ROW, "failure_mode": "=cmd|' /C calc'!A0", "severity": 3, "occurrence": 2, "detection": 2})
    response = client.get(f"/fmea/{document['id']}.xlsx")
    assert response.status_code == 200
    assert f"fmea-{document['id']}.xlsx" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    header = [c for row in ws.iter_rows(min_row=1, max_row=8, values_only=True) for c in row if c]
    assert "Gasket fitting" in header and "Process owner" in header and "Production" in header
    mode_col = [c.column for c in ws[9] if c.value == "failure_mode"][0]
    ap_col = [c.column for c in ws[9] if c.value == "action_priority"][0]
    rpn_col = [c.column for c in ws[9] if c.value == "rpn"][0]
    assert ws.cell(10, mode_col).value == "Gasket not seated"
    assert ws.cell(10, rpn_col).value == 294 and ws.cell(10, ap_col).value == "H"
    injected = ws.cell(11, mode_col)
    assert injected.data_type == "s" and injected.quotePrefix  # a formula-looking cell stays text
    csv_text = client.get(f"/fmea/{document['id']}.csv").get_data(as_text=True)
    assert "'=cmd" in csv_text


def test_list_shows_both_kinds_but_never_another_teams_project_fmea(db, make_team, make_project, make_user, login, api, client):
    own_team, other_team = make_team(), make_team()
    own = make_project(team=own_team, title="Noisy compressors")
    other = make_project(team=other_team, title="Secret supplier audit")
    services.ensure_document(own)
    services.create_row(other, ROW)
    db.session.commit()
    manager = make_user(role="quality_manager")
    login(manager)
    create(api, title="Paint shop process FMEA")
    client.post("/logout")

    member = own_team.memberships[1].user
    login(member)
    page = client.get("/fmea").get_data(as_text=True)
    assert "Noisy compressors" in page and "Paint shop process FMEA" in page
    assert "Secret supplier audit" not in page
    assert "New standalone FMEA" not in page
    listed = api("get", "/api/v1/fmea").get_json()
    assert sorted(i["title"] for i in listed["items"]) == ["Noisy compressors", "Paint shop process FMEA"]
    assert {i["standalone"] for i in listed["items"]} == {True, False}
    other_document = services.document_of(other).id
    assert client.get(f"/fmea/{other_document}").status_code == 404
    client.post("/logout")

    login(manager)
    everything = client.get("/fmea").get_data(as_text=True)
    assert "Secret supplier audit" in everything and "New standalone FMEA" in everything
    assert 'href="/fmea"' in everything  # the navigation entry


def test_revisions_and_reports_of_a_standalone_fmea(db, owners, make_user, login, api, client):
    login(make_user(role="quality_manager"))
    document = create(api, title="Packing")
    row = api("post", f"/api/v1/fmea/{document['id']}/rows", ROW).get_json()
    saved = client.post(f"/fmea/{document['id']}/header", data={"version": document["version"], "kind": "process", "title": "Packing", "customer": "Export customers"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/fmea/{document['id']}")
    assert db.session.get(FmeaDocument, document["id"]).customer == "Export customers"
    api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": row["version"], "severity": 9})
    history = client.get(f"/fmea-rows/{row['id']}/history").get_data(as_text=True)
    assert f'href="/fmea/{document["id"]}"' in history and "9" in history
    frozen = client.post(f"/fmea/{document['id']}/revisions", data={"label": "Before actions"})
    assert frozen.status_code == 302
    revisions = client.get(f"/fmea/{document['id']}/revisions").get_data(as_text=True)
    assert "Before actions" in revisions
    assert client.get(f"/fmea/{document['id']}/compare?a=1&b=current").status_code == 200
    reports = client.get(f"/fmea/{document['id']}/reports")
    assert reports.status_code == 200 and "Packing" in reports.get_data(as_text=True)
    assert client.get(f"/fmea/{document['id']}/history").status_code == 200


def test_persian_pages_name_the_process_in_persian(db, owners, make_user, login, api, client):
    login(make_user(role="quality_manager", locale="fa"))
    document = create(api, title="فرایند رنگ‌کاری")
    page = client.get(f"/fmea/{document['id']}").get_data(as_text=True)
    assert "FMEA مستقل فرایند «تولید»" in page and "فرایند رنگ‌کاری" in page
    listing = client.get("/fmea").get_data(as_text=True)
    assert "FMEA مستقل جدید" in listing and "فرایند: تولید" in listing
    refused = api("post", "/api/v1/fmea", {"process_owner": "production", "title": ""})
    assert refused.get_json()["errors"]["title"] == "برای FMEA عنوانی بنویسید."
