"""The FMEA import API: upload (202), dry-run preview in JSON, import the good rows or none; in the OpenAPI document."""

import io

from tests.fmea import workbooks
from workbench.fmea import services


def post_file(client, url, data, name, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def stored(project):
    document = services.document_of(project)
    return services.row_dicts(document) if document else []


def test_dry_run_preview_then_good_rows(team_project, login, client, api):
    project, leader, _ = team_project
    login(leader)
    answer = post_file(client, f"/api/v1/projects/{project.id}/fmea/imports", workbooks.aiag4_pfmea(), "hinge.xlsx")
    assert answer.status_code == 202, answer.get_json()
    preview_url = answer.get_json()["preview"]
    assert preview_url == f"/api/v1/projects/{project.id}/fmea/imports/{answer.get_json()['token']}"
    preview = client.get(preview_url).get_json()
    assert preview["status"] == "done" and preview["counts"] == {"good": 7, "bad": 1, "left_out": 4, "warnings": 3, "errors": 1}
    (sheet,) = preview["sheets"]
    assert sheet["kind"] == "fmea" and sheet["header_rows"] == [7, 8]
    assert {m["letter"]: m["field"] for m in sheet["mapping"]}["P"] == "revised_severity"
    error = next(p for p in preview["problems"] if p["level"] == "error")
    assert (error["sheet"], error["row"], error["column"], error["value"]) == ("PFMEA", 16, "I", "12")
    assert any(p["field"] == "rpn" and "S × O × D gives 32" in p["message"] for p in preview["problems"])
    assert preview["header"]["fills"]["customer"] == "Acme Motors" and preview["header"]["not_stored"]["part_number"] == "HX-2231"
    assert stored(project) == []  # a preview writes nothing
    refused = api("post", preview_url, {})
    assert refused.status_code == 400 and "1 rows have problems: nothing was imported" in refused.get_json()["errors"]["file"]
    assert stored(project) == []
    done = api("post", preview_url, {"skip_bad_rows": True, "fill_header": False})
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["imported"] == 7 and {"sheet": "PFMEA", "row": 16, "reasons": ["Occurrence (O) must be between 1 and 10; got 12."]} in body["skipped"]
    assert len(stored(project)) == 7 and services.document_of(project).customer == ""
    assert client.get(preview_url).status_code == 404  # the upload went with the import


def test_options_scales_confirmation_and_refusals(team_project, login, client, api, db):
    project, leader, members = team_project
    login(leader)
    url = f"/api/v1/projects/{project.id}/fmea/imports"
    answer = post_file(client, url, workbooks.other_scales(), "scales.xlsx", sheet="Reaction wheel", map="remarks=Detection method", scale="detection=1-10")
    preview_url = answer.get_json()["preview"]
    preview = client.get(preview_url).get_json()
    assert [s["name"] for s in preview["sheets"] if s["selected"]] == ["Reaction wheel"]
    scales = preview["sheets"][1]["scales"]
    assert scales["severity"]["name"] == "1-6" and scales["detection"] == {"name": "1-10", "mapping": {}, "why": "chosen", "detected": "1-6"}
    assert preview["confirm_scales"] == ["Reaction wheel: severity", "Reaction wheel: occurrence"]
    assert any("Detection (D) kept as written although it looks like a 1-6 scale" in p["message"] for p in preview["problems"])
    refused = api("post", preview_url, {})
    assert refused.status_code == 400 and "send confirm_scales: true" in refused.get_json()["errors"]["confirm_scales"]
    assert stored(project) == []
    assert api("post", preview_url, {"confirm_scales": True}).status_code == 201
    assert [(r["severity"], r["occurrence"], r["detection"], r["remarks"]) for r in stored(project)][0] == (10, 6, 2, "Vibration test")

    bad = post_file(client, url, workbooks.other_scales(), "scales.xlsx", map="colour")
    assert bad.status_code == 400 and "is not NAME=VALUE" in bad.get_json()["errors"]["map"]
    wrong = post_file(client, url, workbooks.other_scales(), "scales.xlsx", sheet="Nope")
    assert client.get(wrong.get_json()["preview"]).get_json() == {
        "status": "failed", "message": "No sheet “Nope”; the sheets are: Infusion pump DFMEA, Reaction wheel, Ranking criteria."}
    assert post_file(client, url, b"hello", "notes.txt").status_code == 400
    assert client.post(url, data={}, content_type="multipart/form-data").get_json()["errors"]["file"].startswith("Send the workbook")
    # Someone else's upload is not found; a closed project refuses.
    staged = post_file(client, url, workbooks.persian_pfmea(), "fa.xlsx").get_json()["preview"]
    client.post("/logout")
    login([m for m in members if m.id != leader.id][0])
    assert client.get(staged).status_code == 404
    client.post("/logout")
    login(leader)
    project.stage = "closed"
    db.session.commit()
    before = len(stored(project))
    assert api("post", staged, {}).status_code == 409 and len(stored(project)) == before
    assert post_file(client, url, workbooks.persian_pfmea(), "fa.xlsx").status_code == 409


def test_import_api_is_in_the_openapi_document(client, login, make_user):
    login(make_user())
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "post" in paths["/api/v1/projects/{project_id}/fmea/imports"]
    preview = paths["/api/v1/projects/{project_id}/fmea/imports/{token}"]
    assert "dry-run" in preview["get"]["summary"].lower() and "post" in preview
    assert "FmeaImportProblem" in spec["components"]["schemas"]
