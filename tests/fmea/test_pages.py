"""The FMEA pages: table, project panel, header, history, revisions, reports, settings."""

import json
import re

from workbench.fmea import checks, services

ROW = {"process_step": "Brazing", "failure_effect": "Cooling stops", "severity": 9, "failure_mode": "Porous joint",
       "failure_cause": "<script>alert(1)</script>", "occurrence": 5, "detection": 5}


def page_data(html: str) -> dict:
    """The page's data with rows turned back into dicts (they travel as lists)."""
    found = re.search(r'<script type="application/json" id="fmea-data">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    rows = []
    for values in data["rows"]:
        row = dict(zip(data["keys"], values, strict=False))
        extra = values[len(data["keys"]):]
        row["issues"] = [{"code": code, "message": data["issue_texts"][i]} for code, i in (extra[0] if extra else [])]
        rows.append(row)
    data["rows"] = rows
    return data


def test_table_page_carries_rows_flags_scales_and_escapes_text(team_project, db, login, client):
    project, leader, _ = team_project
    services.create_row(project, ROW)
    db.session.commit()
    login(leader)
    response = client.get(f"/projects/{project.id}/fmea")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    data = page_data(html)
    row = data["rows"][0]
    assert row["rpn"] == 225 and row["action_priority"] == "H"
    assert set(checks.flags(row, "ap", 100)) == {"high", "severe", "ap_high", "over_threshold"}
    assert checks.flags({**row, "severity": 4, "action_priority": "M", "rpn": 80}, "ap", 100) == []
    assert [i["code"] for i in row["issues"]] == ["high_without_action"]
    assert len(data["scales"]["severity"]) == 10 and data["scales"]["severity"][0]["value"] == 10
    assert data["can_write"] is True


def test_persian_page_shows_persian_scales(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    html = client.get(f"/projects/{project.id}/fmea?lang=fa").get_data(as_text=True)
    assert 'dir="rtl"' in html
    data = page_data(html)
    assert "مقررات" in data["scales"]["severity"][1]["text"]
    assert "regulation" in data["scales"]["severity"][1]["other"]


def test_project_page_has_fmea_panel(team_project, db, login, client):
    project, leader, _ = team_project
    services.create_row(project, ROW)
    db.session.commit()
    login(leader)
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.id}/fmea" in html
    assert "AP H 1" in html


def test_header_block_is_saved(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    response = client.post(f"/projects/{project.id}/fmea/header", data={"kind": "design", "title": "Noise DFMEA", "customer": "Retail"})
    assert response.status_code == 302
    document = services.document_of(project)
    assert (document.kind, document.title, document.customer) == ("design", "Noise DFMEA", "Retail")
    # On a Persian page the English title is set apart, so «FMEA طراحی» after it is not read into it.
    summary = re.search(r"<summary>(.*?)</summary>", client.get(f"/projects/{project.id}/fmea?lang=fa").get_data(as_text=True), re.S)
    assert "<bdi>Noise DFMEA</bdi> · " in summary.group(1)


def test_row_history_page(team_project, db, login, client, api):
    project, leader, _ = team_project
    login(leader)
    row = api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW).get_json()
    api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": 1, "severity": 10})
    html = client.get(f"/fmea-rows/{row['id']}/history").get_data(as_text=True)
    assert "Severity (S)" in html and leader.name in html and leader.email not in html  # members see names
    api("delete", f"/api/v1/fmea-rows/{row['id']}")
    assert client.get(f"/fmea-rows/{row['id']}/history").status_code == 200


def test_freeze_baseline_and_compare_cell_by_cell(team_project, login, client, api):
    project, leader, _ = team_project
    login(leader)
    row = api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW).get_json()
    response = client.post(f"/projects/{project.id}/fmea/revisions", data={"label": "Before actions"})
    assert response.status_code == 302
    api("patch", f"/api/v1/fmea-rows/{row['id']}", {"version": 1, "occurrence": 2, "prevention_action": "Flame sensor"})
    api("post", f"/api/v1/projects/{project.id}/fmea/rows", {"failure_mode": "Leak"})
    html = client.get(f"/projects/{project.id}/fmea/compare?a=1&b=current").get_data(as_text=True)
    assert "Before actions" in html
    assert "Occurrence (O)" in html and "<del>5</del>" in html and "<ins>2</ins>" in html
    assert "<ins>Flame sensor</ins>" in html and "<ins>Leak</ins>" in html
    assert "<del>225</del>" in html and "<ins>90</ins>" in html
    assert client.get(f"/projects/{project.id}/fmea/compare?a=9").status_code == 400


def test_reports_page(team_project, login, client, api):
    project, leader, _ = team_project
    login(leader)
    api("post", f"/api/v1/projects/{project.id}/fmea/rows", {**ROW, "action_status": "completed", "revised_severity": 9, "revised_occurrence": 2, "revised_detection": 5})
    api("post", f"/api/v1/projects/{project.id}/fmea/rows", {**ROW, "severity": 4, "occurrence": 2, "detection": 2})
    html = client.get(f"/projects/{project.id}/fmea/reports").get_data(as_text=True)
    assert "<svg" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    assert 'data-ap="H-before">1<' in html and 'data-ap="H-after">0<' in html
    assert 'data-ap="M-after">1<' in html and 'data-ap="L-after">1<' in html
    # The Pareto of RPN reads the page's way: highest RPN (225, then 16) first on the left in English, on the right in Persian.
    for lang, order in (("en", ["225", "16"]), ("fa", ["۲۲۵", "۱۶"])):
        page = client.get(f"/projects/{project.id}/fmea/reports?lang={lang}").get_data(as_text=True)
        bars = re.findall(r'<rect x="([0-9.]+)"[^>]*/>\s*<text[^>]*>([^<]+)</text>', page)
        assert [rpn for _x, rpn in bars] == order
        xs = [float(x) for x, _rpn in bars]
        assert xs == (sorted(xs) if lang == "en" else sorted(xs, reverse=True))
        cumulative = [float(p.split(",")[0]) for p in re.search(r'<polyline[^>]*points="([^"]+)"', page).group(1).split()]
        assert cumulative == (sorted(cumulative) if lang == "en" else sorted(cumulative, reverse=True))


def test_settings_page_for_quality_managers_only(team_project, login, client, make_user):
    project, leader, _ = team_project
    login(leader)
    assert client.get("/fmea/settings").status_code == 403
    client.post("/logout")
    login(make_user(role="quality_manager"))
    assert client.post("/fmea/settings", data={"priority_driver": "rpn", "rpn_threshold": "80"}).status_code == 302
    assert services.settings().rpn_threshold == 80


def test_persian_labels_and_messages(team_project, login, api, client):
    project, leader, _ = team_project
    login(leader)
    html = client.get(f"/projects/{project.id}/fmea?lang=fa").get_data(as_text=True)
    data = page_data(html)
    assert {c["field"]: c["label"] for c in data["columns"]}["severity"] == "شدت (S)"
    answer = api("post", f"/api/v1/projects/{project.id}/fmea/rows", {"severity": 11})
    assert answer.get_json()["errors"]["severity"] == "شدت (S) باید بین ۱ و ۱۰ باشد؛ مقدار واردشده ۱۱ است."


def test_ap_reference_table_page(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    html = client.get("/fmea/action-priority").get_data(as_text=True)
    assert html.count('class="ap-H"') + html.count('class="ap-M"') + html.count('class="ap-L"') == 100


def test_home_card_counts_high_rows_without_action_for_visible_teams(team_project, db, login, client, make_team):
    project, leader, _ = team_project
    services.create_row(project, ROW)
    db.session.commit()
    login(leader)
    assert "1 high-priority FMEA rows have no action" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_team().memberships[0].user)
    assert "high-priority FMEA rows" not in client.get("/").get_data(as_text=True)


def test_document_history_lists_changes_of_all_rows_including_deleted(team_project, login, client, api, make_project):
    project, leader, _ = team_project
    login(leader)
    kept = api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW).get_json()
    gone = api("post", f"/api/v1/projects/{project.id}/fmea/rows", {**ROW, "failure_mode": "Gone mode"}).get_json()
    api("patch", f"/api/v1/fmea-rows/{kept['id']}", {"version": 1, "detection": 2})
    api("delete", f"/api/v1/fmea-rows/{gone['id']}")
    other = make_project(team=project.team, title="Other")
    api("post", f"/api/v1/projects/{other.id}/fmea/rows", {**ROW, "failure_mode": "Elsewhere"})
    html = client.get(f"/projects/{project.id}/fmea/history").get_data(as_text=True)
    assert "Gone mode" in html and "deleted" in html and "Detection (D)" in html
    assert "Elsewhere" not in html


def test_baseline_needs_a_name_and_header_a_subject(team_project, login, client, api):
    project, leader, _ = team_project
    login(leader)
    api("post", f"/api/v1/projects/{project.id}/fmea/rows", ROW)
    response = client.post(f"/projects/{project.id}/fmea/revisions", data={"label": ""})
    assert response.status_code == 400 and "This field is required" in response.get_data(as_text=True)
    client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": ""})
    assert "Subject: This field is required" in client.get(f"/projects/{project.id}/fmea").get_data(as_text=True)


def test_design_fmea_uses_design_column_titles_in_page_and_workbook(team_project, db, login, client):
    import io

    from openpyxl import load_workbook

    project, leader, _ = team_project
    services.create_row(project, ROW)
    services.save_header(services.document_of(project), {"kind": "design"})
    db.session.commit()
    login(leader)
    data = page_data(client.get(f"/projects/{project.id}/fmea").get_data(as_text=True))
    titles = {c["field"]: c["label"] for c in data["columns"]}
    assert titles["process_item"] == "System" and titles["work_element"] == "Component / interface"
    ws = load_workbook(io.BytesIO(client.get(f"/projects/{project.id}/fmea.xlsx").data)).active
    assert ws.title == "DFMEA" and "System" in [c.value for c in ws[8]]


def test_header_start_date_typed_in_jalali(team_project, login, client, db):
    project, leader, _ = team_project
    login(leader)
    client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Brazing", "start_date": "۱۴۰۳/۰۵/۱۲"})
    document = services.document_of(project)
    assert document.start_date.isoformat() == "2024-08-02"
    page = client.get(f"/projects/{project.id}/fmea?lang=fa").get_data(as_text=True)
    assert re.search(r'name="start_date"[^>]*value="۱۴۰۳/۰۵/۱۲"', page)  # Jalali, in Persian digits on a Persian page
    bad = client.post(f"/projects/{project.id}/fmea/header?lang=en", data={"kind": "process", "title": "Brazing", "start_date": "1403/13/01"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Start date: “1403/13/01”: impossible date: there is no month 13." in bad
    db.session.expire_all()
    assert services.document_of(project).start_date.isoformat() == "2024-08-02"


def test_service_rating_scale_chosen_per_fmea(team_project, login, client, db):
    """A service team picks the service-process scale: the raters then see customer-impact, per-1,000-orders and
    caught-before-the-customer criteria (in Persian too); a made-up scale is refused and nothing changes."""
    project, leader, _ = team_project
    login(leader)
    manufacturing = page_data(client.get(f"/projects/{project.id}/fmea").get_data(as_text=True))
    assert "whole run scrapped" in manufacturing["scales"]["severity"][2]["text"]
    response = client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Order delivery", "rating_scale": "service"})
    assert response.status_code == 302
    document = services.document_of(project)
    assert document.rating_scale == "service"
    scales = page_data(client.get(f"/projects/{project.id}/fmea").get_data(as_text=True))["scales"]
    assert scales["occurrence"][3]["text"] == "10 per 1,000."  # level 7
    assert "before the customer" in scales["detection"][-1]["text"]
    assert not any("scrapped" in level["text"] for levels in scales.values() for level in levels)
    persian = page_data(client.get(f"/projects/{project.id}/fmea?lang=fa").get_data(as_text=True))["scales"]
    assert persian["occurrence"][3]["text"] == "۱۰ مورد در هر ۱۰۰۰."
    # A header post without the field keeps the scale; a made-up one is refused.
    client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Order delivery 2", "version": document.version})
    db.session.expire_all()
    document = services.document_of(project)
    assert (document.title, document.rating_scale) == ("Order delivery 2", "service")
    client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Changed", "rating_scale": "bakery", "version": document.version})
    db.session.expire_all()
    assert (services.document_of(project).title, services.document_of(project).rating_scale) == ("Order delivery 2", "service")
