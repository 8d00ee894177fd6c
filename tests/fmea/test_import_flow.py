"""The FMEA import pages: sheets with their kind, the mapping step, presets, scales confirmed, every problem listed,
the good rows or none, frozen projects, other people's uploads, escaping."""

import io
import re

import xlwt

from tests.fmea import workbooks
from workbench.fmea import services
from workbench.fmea.models import FmeaDocument, FmeaImportPreset


def upload(client, url, data, name):
    response = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored(project):
    return services.row_dicts(services.document_of(project))


def test_several_sheets_listed_with_their_kind_and_chosen(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.three_products(), "plant.xlsx")
    html = page(client, url)
    assert re.search(r'<tr class="sheet-rating_key">\s*<td><input type="checkbox" name="sheet" value="0" aria-label="Rating key" >', html)
    assert html.count('name="sheet" value="1" aria-label="Washer W1" checked') == 1
    assert "66 rows are ready to import, 0 rows have problems" in html
    assert "One FMEA per sheet" in html and 'value="each"  disabled' in html  # a project has one FMEA
    client.post(url + "/choices", data={"sheet": ["2"], "action": "check"})
    html = page(client, url)
    assert "22 rows are ready to import" in html and 'aria-label="Washer W1" >' in html
    assert client.post(url).status_code == 302
    rows = stored(project)
    assert len(rows) == 22 and {r["failure_mode"].split(" mode")[0] for r in rows} == {"Washer W2"}
    assert services.document_of(project).title == "Washer W2"  # from the sheet's title block "Product: Washer W2"


def test_mapping_step_ignored_columns_and_presets(team_project, login, client, db):
    project, leader, _ = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.data_centre_dfmea(), "dc.xlsx")
    html = page(client, url)
    assert "Ignored columns (not imported): H" in html
    assert re.search(r'<select name="map:0:G"[^>]*>.*?<option value="prevention_control" selected>', html, re.S)
    # Column H (Owner team) becomes the remarks, I (Remarks) is ignored; saved as a preset.
    form = {"sheet": ["0"], "action": "check", "map:0:H": "remarks", "map:0:I": ""}
    client.post(url + "/choices", data=form)
    html = page(client, url)
    assert "Ignored columns (not imported): I" in html
    client.post(url + "/choices", data={"action": "save_preset", "preset_name": "Cooling form"})
    preset = db.session.scalars(db.select(FmeaImportPreset)).one()
    assert preset.name == "Cooling form" and preset.mapping["owner team"] == "remarks" and preset.mapping["remarks"] == ""
    # A fresh upload of the same form takes the preset.
    again = upload(client, f"/projects/{project.id}/fmea/import", workbooks.data_centre_dfmea(), "dc2.xlsx")
    assert "Ignored columns (not imported): H" in page(client, again)
    client.post(again + "/choices", data={"action": "apply_preset", "preset": str(preset.id)})
    html = page(client, again)
    assert "Mapping “\u2068Cooling form\u2069” applied" in html and "Ignored columns (not imported): I" in html
    assert client.post(again).status_code == 302
    assert [r["remarks"] for r in stored(project)] == ["Facilities"] * 3
    bad = client.post(again + "/choices", data={"action": "check", "sheet": ["0"], "map:0:H": "colour"})
    assert bad.status_code == 404  # the upload went with the import


def test_other_scales_must_be_confirmed_or_kept_and_flagged(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.other_scales(), "scales.xlsx")
    client.post(url + "/choices", data={"sheet": ["1"], "action": "check"})
    html = page(client, url)
    assert re.search(r'data-sheet="Reaction wheel" data-rating="severity">.*?Converted to 1-10:.*?the title says 1-6', html, re.S)
    assert "I checked the rating conversions above (Reaction wheel: Severity (S), Reaction wheel: Occurrence (O), Reaction wheel: Detection (D))" in html
    client.post(url)  # not confirmed: nothing
    assert services.document_of(project) is None or stored(project) == []
    # Severity kept as written (flagged), occurrence on the user's own letter scale.
    client.post(url + "/choices", data={"sheet": ["1"], "action": "check", "scale:1:severity": "1-10",
                                        "scale:1:occurrence": "custom", "custom:1:occurrence": "A:9, B:7, C:5, D:3, E:1"})
    html = page(client, url)
    assert "Severity (S) kept as written although it looks like a 1-6 scale" in html
    bad = client.post(url + "/choices", data={"sheet": ["1"], "action": "check", "scale:1:occurrence": "custom", "custom:1:occurrence": "A:11"},
                      follow_redirects=True)
    assert "“A:11” is not value:rating with a rating from 1 to 10." in bad.get_data(as_text=True)
    assert client.post(url, data={"confirm_scales": "1"}).status_code == 302
    assert [(r["failure_mode"], r["severity"], r["occurrence"], r["detection"]) for r in stored(project)][:2] == [
        ("Bearing seizure", 6, 5, 3), ("Encoder drift", 3, 7, 6)]


def test_aiag4_problems_listed_good_rows_or_none_and_title_block(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.aiag4_pfmea(), "hinge.xlsx")
    html = page(client, url)
    assert "7 rows are ready to import, 1 rows have problems, 4 rows are left out." in html
    assert re.search(r'<tr class="import-error"><td dir="auto">PFMEA</td><td>16</td><td class="ltr">I</td><td>Occurrence \(O\)</td>'
                     r'<td dir="auto">12</td><td dir="auto">Occurrence \(O\) must be between 1 and 10', html)
    assert "The sheet&#39;s RPN is 30; S × O × D gives 32 (the computed one is kept)." in html
    assert "footer (signatures, approvals)" in html and "only continues merged cells of the rows above" in html
    assert re.search(r"<td>Part number</td><td dir=\"auto\">HX-2231</td><td class=\"muted\">shown only", html)
    assert re.search(r"<td>Customer</td><td dir=\"auto\">Acme Motors</td><td>fills the FMEA header</td>", html)
    client.post(url, data={"rows": "all"})
    assert services.document_of(project) is None or stored(project) == []
    assert client.post(url, data={"rows": "good", "header": "fill"}).status_code == 302
    rows = stored(project)
    assert len(rows) == 7 and (rows[0]["severity"], rows[0]["revised_occurrence"]) == (7, 2)
    document = services.document_of(project)
    assert document.customer == "Acme Motors" and document.title == "Door hinge assembly"


def test_xls_upload_and_escaping(team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    book = xlwt.Workbook()
    ws = book.add_sheet("PFMEA <b>")
    for col, title in enumerate(("Process Step", "Potential Failure Mode", "Potential Cause(s)", "Sev", "Occ", "Det")):
        ws.write(0, col, title)
    for col, value in enumerate(("<script>alert(1)</script>", "Leak", "=cmd|' /C calc'!A0", 8, 4, 2)):
        ws.write(1, col, value)
    out = io.BytesIO()
    book.save(out)
    url = upload(client, f"/projects/{project.id}/fmea/import", out.getvalue(), "old.xls")
    html = page(client, url)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "PFMEA &lt;b&gt;" in html and "1 rows are ready to import" in html
    assert client.post(url).status_code == 302
    (row,) = stored(project)
    assert row["process_step"] == "<script>alert(1)</script>" and row["failure_cause"] == "=cmd|' /C calc'!A0"
    assert (row["severity"], row["occurrence"], row["detection"]) == (8, 4, 2)


def test_frozen_project_and_other_people_refused(team_project, login, client, make_user, db):
    project, leader, members = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.persian_pfmea(), "fa.xlsx")
    assert "2 rows are ready to import" in page(client, url)
    client.post("/logout")
    login([m for m in members if m.id != leader.id][0])
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.post("/logout")
    login(make_user(email="outsider@example.org"))
    assert client.get(url).status_code in (403, 404) and client.post(url).status_code in (403, 404)
    client.post("/logout")
    login(leader)
    project.stage = "closed"
    db.session.commit()
    response = client.post(url)
    assert response.status_code == 409 and "read-only" in response.get_data(as_text=True)
    assert services.document_of(project) is None
    assert client.get(f"/projects/{project.id}/fmea/import").status_code == 409


def test_standalone_fmea_takes_one_fmea_per_sheet(owners, make_user, login, client, db):
    manager = make_user(role="quality_manager")
    login(manager)
    document = FmeaDocument(project_id=None, process_owner_id=owners["production"].id, kind="process", title="Washers")
    db.session.add(document)
    db.session.commit()
    url = upload(client, f"/fmea/{document.id}/import", workbooks.three_products(), "plant.xlsx")
    client.post(url + "/choices", data={"sheet": ["1", "3"], "combine": "each", "action": "check"})
    assert client.post(url).status_code == 302
    db.session.expire_all()
    documents = db.session.scalars(db.select(FmeaDocument).order_by(FmeaDocument.id)).all()
    assert [d.title for d in documents] == ["Washer W1", "Dryer D1"]
    assert all(d.process_owner_id == owners["production"].id for d in documents)
    counts = [len(services.row_dicts(d)) for d in documents]
    assert counts == [22, 22]


def test_every_import_post_needs_the_csrf_token(app, team_project, login, client):
    project, leader, _ = team_project
    login(leader)
    url = upload(client, f"/projects/{project.id}/fmea/import", workbooks.persian_pfmea(), "fa.xlsx")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(url).status_code == 400
    assert client.post(url + "/choices", data={"action": "check"}).status_code == 400
    assert client.post(f"/projects/{project.id}/fmea/import", data={"file": (io.BytesIO(b"x"), "a.csv")},
                       content_type="multipart/form-data").status_code == 400
    assert services.document_of(project) is None
