"""Excel and CSV: AIAG-VDA layout, round trip that loses nothing, plain-sheet import with row errors, escaping."""

import csv
import io
import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.fmea.conftest import fishbone_causes
from workbench.fmea import excel, services
from workbench.fmea.models import COMPUTED_FIELDS, ROW_FIELDS

FULL_ROW = {
    "process_item": "یخچال R-400",
    "process_step": "Compressor mounting",
    "work_element": "Assembler",
    "work_element_type": "man",
    "function": "Fit compressor\non four mounts",
    "failure_effect": "=HYPERLINK(\"http://evil\")",
    "severity": 8,
    "failure_mode": "+mount missing",
    "failure_cause": "-operator skips a mount",
    "prevention_control": "@instruction",
    "occurrence": 5,
    "detection_control": "\tvisual check",
    "detection": 7,
    "special_characteristic": "SC",
    "filter_code": "F1",
    "prevention_action": "Poka-yoke fixture",
    "detection_action": "Camera check",
    "target_date": "2026-12-31",
    "action_status": "completed",
    "action_taken": "Fixture installed",
    "evidence": "Report 42",
    "completion_date": "2026-12-20",
    "revised_severity": 8,
    "revised_occurrence": 2,
    "revised_detection": 3,
    "remarks": "\rcarriage return first",
    "cause_id": 77,
}


def make_rows(project, leader, db):
    (cause,) = fishbone_causes(db, project, "Operator skips a mount")
    services.create_row(project, {**FULL_ROW, "responsible_id": leader.id, "cause_id": cause})
    services.create_row(project, {**FULL_ROW, "failure_cause": "Wrong mount type", "cause_id": None, "severity": 6})
    services.create_row(project, {"process_item": "یخچال R-400", "process_step": "Brazing", "failure_mode": "Porous joint", "severity": 10, "occurrence": 1, "detection": 10})
    db.session.commit()


def comparable(rows):
    return [{k: r[k] for k in (*ROW_FIELDS, *COMPUTED_FIELDS, "position")} for r in rows]


def upload(client, project, data, name):
    response = client.post(f"/projects/{project.id}/fmea/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_xlsx_layout(team_project, db, login, client):
    project, leader, _ = team_project
    make_rows(project, leader, db)
    services.save_header(services.document_of(project), {"customer": "Retail customers"})
    db.session.commit()
    login(leader)
    response = client.get(f"/projects/{project.id}/fmea.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    values = [c for row in ws.iter_rows(min_row=1, max_row=8, values_only=True) for c in row if c]
    assert "Retail customers" in values and "Compressor noise" in values
    assert "Structure analysis (step 2)" in values and "Optimisation (step 6)" in values
    # What a person sees: titles in row 8, data from row 10; the row of field keys between them is hidden.
    assert ws.row_dimensions[9].hidden and not ws.row_dimensions[8].hidden and not ws.row_dimensions[10].hidden
    shown = [c for r in (*range(1, 9), *range(10, ws.max_row + 1)) for c in next(ws.iter_rows(min_row=r, max_row=r, values_only=True)) if c]
    assert "action_priority" not in shown and "failure_effect" not in shown and "AP" in shown
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B10:B12" in merged  # the process item spans all three rows
    assert "C10:C11" in merged  # the step spans the two mounting rows
    ap_col = [c.column for c in ws[9] if c.value == "action_priority"][0]
    assert ws.cell(10, ap_col).value == "H" and ws.cell(10, ap_col).fill.fgColor.rgb.endswith("D92D20")
    assert ws.cell(12, ap_col).value == "L" and ws.cell(12, ap_col).fill.fgColor.rgb.endswith("12B76A")
    effect_col = [c.column for c in ws[9] if c.value == "failure_effect"][0]
    cell = ws.cell(10, effect_col)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix


def test_xlsx_round_trip_loses_nothing(team_project, db, login, client, make_project):
    project, leader, members = team_project
    make_rows(project, leader, db)
    target = make_project(team=project.team, title="Copy")
    login(leader)
    exported = client.get(f"/projects/{project.id}/fmea.xlsx").data
    preview_url = upload(client, target, exported, "fmea.xlsx")
    preview = client.get(preview_url).get_data(as_text=True)
    assert "3 rows are ready to import" in preview, preview[preview.find("<main"):]
    assert client.post(preview_url).status_code == 302
    before = comparable(services.row_dicts(services.document_of(project)))
    after = comparable(services.row_dicts(services.document_of(target)))
    # Everything but the link to the first project's fishbone cause, which stays with that project.
    assert before[0]["cause_id"] is not None and after[0]["cause_id"] is None
    assert after == [{**row, "cause_id": None} for row in before]
    assert after[0]["responsible_id"] == leader.id and after[0]["target_date"] == date(2026, 12, 31)


def test_csv_escapes_risky_cells_and_round_trips(team_project, db, login, client, make_project):
    project, leader, _ = team_project
    make_rows(project, leader, db)
    login(leader)
    response = client.get(f"/projects/{project.id}/fmea.csv")
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    first = rows[0]
    assert first["failure_effect"].startswith("'=HYPERLINK")
    assert first["failure_mode"] == "'+mount missing"
    assert first["failure_cause"] == "'-operator skips a mount"
    assert first["prevention_control"] == "'@instruction"
    assert first["detection_control"] == "visual check"  # surrounding whitespace is trimmed on entry
    assert excel.csv_safe("\tTAB") == "'\tTAB" and excel.csv_safe("\rCR") == "'\rCR" and excel.csv_safe("a=b") == "a=b"
    assert first["responsible_id"] == leader.email
    target = make_project(team=project.team, title="From CSV")
    preview_url = upload(client, target, response.data, "fmea.csv")
    assert client.post(preview_url).status_code == 302
    copied = comparable(services.row_dicts(services.document_of(target)))
    assert copied == [{**row, "cause_id": None} for row in comparable(services.row_dicts(services.document_of(project)))]


PROBLEM_ROW = (r'<tr class="import-error"><td dir="auto">([^<]*)</td><td>(\d+)</td><td class="ltr">(\w+)</td><td>([^<]*)</td>'
               r'<td dir="auto">([^<]*)</td><td dir="auto">([^<]*)</td>')


def plain_sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["Process step", "Failure mode", "Failure cause", "S", "O", "D"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_plain_sheet_errors_name_row_and_column_and_nothing_is_imported(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    data = plain_sheet([["Brazing", "Leak", "Short flame", 8, 4, 2], ["Brazing", "Leak", "Gas pressure", 0, 4, 2], ["Packing", "Dent", "No foam", 4, 3, "x"]])
    preview_url = upload(client, project, data, "causes.xlsx")
    html = client.get(preview_url).get_data(as_text=True)
    errors = re.findall(PROBLEM_ROW, html)
    assert [(s, r, c, v) for s, r, c, _, v, _ in errors] == [("Sheet", "3", "D", "0"), ("Sheet", "4", "F", "x")]
    assert "between 1 and 10" in errors[0][5] and "whole number" in errors[1][5]
    assert "2 rows are ready to import, 2 rows have problems" not in html and "1 rows are ready to import, 2 rows have problems" in html
    client.post(preview_url)
    assert services.row_dicts(services.document_of(project)) == []


def test_plain_sheet_imports_one_row_per_cause(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    data = plain_sheet([["Brazing", "Leak", "Short flame", 8, 4, 2], [None, None, None, None, None, None], ["Packing", "Dent", "No foam", 4, 3, 7]])
    preview_url = upload(client, project, data, "causes.xlsx")
    assert client.post(preview_url).status_code == 302
    rows = services.row_dicts(services.document_of(project))
    assert [(r["failure_cause"], r["rpn"], r["action_priority"]) for r in rows] == [("Short flame", 64, "M"), ("No foam", 84, "L")]


def test_import_refuses_other_files_and_other_users_tokens(app, team_project, login, client, make_user):
    project, leader, members = team_project
    login(leader)
    response = client.post(f"/projects/{project.id}/fmea/import", data={"file": (io.BytesIO(b"hello"), "notes.txt")}, content_type="multipart/form-data")
    assert response.status_code == 400
    response = client.post(f"/projects/{project.id}/fmea/import", data={"file": (io.BytesIO(b"not a workbook"), "broken.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "“broken.xlsx” is not a real XLSX file" in response.get_data(as_text=True)
    assert not list(Path(app.config["UPLOAD_STAGING_FOLDER"]).glob("*.upload"))  # nothing staged
    preview_url = upload(client, project, plain_sheet([["Brazing", "Leak", "Short flame", 8, 4, 2]]), "causes.xlsx")
    assert "1 rows are ready to import" in client.get(preview_url).get_data(as_text=True)
    client.post("/logout")
    other = [m for m in members if m.id != leader.id][0]
    login(other)
    assert client.get(preview_url).status_code == 404


def test_responsible_outside_the_team_is_a_preview_error(team_project, login, client, make_user):
    project, leader, _ = team_project
    stranger = make_user(email="stranger@example.org")
    login(leader)
    wb = Workbook()
    ws = wb.active
    ws.append(["Failure mode", "Failure cause", "Responsible"])
    ws.append(["Leak", "Short flame", "stranger@example.org"])
    out = io.BytesIO()
    wb.save(out)
    preview_url = upload(client, project, out.getvalue(), "plain.xlsx")
    html = client.get(preview_url).get_data(as_text=True)
    assert f"{stranger.name} is not a member of the project" in html
    client.post(preview_url)
    assert services.row_dicts(services.document_of(project)) == []


def test_exports_show_a_member_names_not_other_peoples_emails(team_project, db, login, client, make_project, make_user):
    """Emails are for admins, quality managers and the person themselves; a team-mate's download names people."""
    project, leader, members = team_project
    make_rows(project, leader, db)
    mate = next(m for m in members if m.id != leader.id)
    login(mate)
    book = load_workbook(io.BytesIO(client.get(f"/projects/{project.id}/fmea.xlsx").data))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert leader.name in cells and not any(leader.email in value for value in cells)
    csv_text = client.get(f"/projects/{project.id}/fmea.csv").get_data(as_text=True)
    first = next(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert first["responsible_id"] == leader.name and leader.email not in csv_text
    # The name reads back to the same person.
    target = make_project(team=project.team, title="Copy by name")
    preview_url = upload(client, target, client.get(f"/projects/{project.id}/fmea.xlsx").data, "fmea.xlsx")
    assert client.post(preview_url).status_code == 302
    assert services.row_dicts(services.document_of(target))[0]["responsible_id"] == leader.id
    client.post("/logout")
    login(make_user(role="quality_manager"))
    assert leader.email in client.get(f"/projects/{project.id}/fmea.csv").get_data(as_text=True)
