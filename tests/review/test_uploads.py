"""Uploaded files with NUL bytes or in another encoding give a clear message or clean data, never a 500."""

import io

from workbench.demo import DEMO_PASSWORD
from workbench.fmea import services


def test_fmea_csv_with_nul_bytes_imports_without_them(app, client, login, db, demo):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo["insider"], DEMO_PASSWORD)
    pid = demo["ids"]["project_id"]
    data = b"failure_mode,severity\nRat\x00tle,5\n"
    response = client.post(f"/projects/{pid}/fmea/import", data={"file": (io.BytesIO(data), "rows.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post(response.headers["Location"]).status_code == 302
    modes = [r["failure_mode"] for r in services.row_dicts(services.document_of(demo["project"]))]
    assert "Rattle" in modes


def test_fmea_csv_in_windows_1252_is_read_in_its_encoding(client, login, demo):
    login(demo["insider"], DEMO_PASSWORD)
    pid = demo["ids"]["project_id"]
    data = "failure_mode,severity\nbruit fort é,5\n".encode("cp1252")
    response = client.post(f"/projects/{pid}/fmea/import", data={"file": (io.BytesIO(data), "rows.csv")}, content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 rows are ready to import" in page and "bruit fort é" in page


def test_fishbone_outline_file_with_nul_bytes(app, client, login, db, demo, make_project):
    from workbench.fishbone import services as fishbone
    from workbench.fishbone.outline import export as outline_of

    app.config["PROPAGATE_EXCEPTIONS"] = False
    fresh = make_project(team=demo["project"].team, title="Fresh")
    login(demo["insider"], DEMO_PASSWORD)
    outline = b"Late\x00 orders\nPeople\n  - Too\x00 few drivers\n"
    response = client.post(f"/projects/{fresh.id}/fishbone/import", data={"file": (io.BytesIO(outline), "o.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    diagram = fishbone.diagram_of(fresh)
    assert diagram.effect == "Late orders"
    assert outline_of(diagram).splitlines() == ["Late orders", "People", "  - Too few drivers"]
