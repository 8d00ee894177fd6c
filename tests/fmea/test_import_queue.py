"""FMEA import through the queue: the upload is staged in the request, read into sheets by a task, previewed from the stored result."""

import io
from pathlib import Path

from openpyxl import Workbook

from workbench.fmea import services
from workbench.fmea import tasks as fmea_tasks


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Process step", "Failure mode", "Failure cause", "S", "O", "D"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, project, data, name="causes.xlsx"):
    return client.post(f"/projects/{project.id}/fmea/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_request_only_stages_the_worker_reads_then_the_preview_imports(app, team_project, login, client, monkeypatch):
    project, leader, _ = team_project
    login(leader)
    queued, task = [], fmea_tasks.analyse_upload
    monkeypatch.setattr(fmea_tasks, "analyse_upload", lambda *args: queued.append(args))  # the queue, without a worker yet
    response = _post(client, project, _sheet([["Brazing", "Leak", "Short flame", 8, 4, 2]]))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    token = preview_url.rsplit("/", 1)[1]
    assert queued == [(token, {})]
    waiting = client.get(preview_url).get_data(as_text=True)
    assert "Reading the file" in waiting and 'http-equiv="refresh"' in waiting
    assert client.post(preview_url).status_code == 409  # nothing to confirm before the file is read
    assert services.row_dicts(services.document_of(project)) == []

    task.call_local(token, {})  # what the worker runs
    assert "1 rows are ready to import" in client.get(preview_url).get_data(as_text=True)
    assert client.post(preview_url).status_code == 302
    assert [r["failure_cause"] for r in services.row_dicts(services.document_of(project))] == ["Short flame"]
    assert list(Path(app.config["UPLOAD_STAGING_FOLDER"]).iterdir()) == []  # the staged file went with the import


def test_a_sheet_breaking_a_limit_is_a_preview_message_and_imports_nothing(app, team_project, login, client):
    project, leader, _ = team_project
    app.config["UPLOAD_MAX_CELL_CHARS"] = 100
    login(leader)
    preview_url = _post(client, project, _sheet([["Brazing", "Leak", "Short flame", 8, 4, 2], ["Brazing", "x" * 150, "Long", 5, 5, 5]])).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "the cell has 150 characters; the limit is 100 (UPLOAD_MAX_CELL_CHARS)" in page
    assert '<td dir="auto">Sheet</td><td>3</td><td class="ltr">B</td>' in page
    assert client.post(preview_url).status_code == 302  # refused: one bad row, all or nothing
    client.post(preview_url)
    assert services.row_dicts(services.document_of(project)) == []


def test_zip_bomb_workbook_is_refused_at_upload(app, team_project, login, client):
    import zipfile

    project, leader, _ = team_project
    login(leader)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c><v>1</v></c>" * (3 * 1024 * 1024))  # 45 MB of XML
    response = _post(client, project, out.getvalue(), "plan.xlsx")
    assert response.status_code == 400
    assert "“plan.xlsx” expands to 45 MB when opened; the limit is 40 MB" in response.get_data(as_text=True)
    assert list(Path(app.config["UPLOAD_STAGING_FOLDER"]).iterdir()) == []
