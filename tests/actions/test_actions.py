import io
from datetime import date

from workbench.actions.models import CorrectiveAction


def test_create_and_list_actions_with_status_and_overdue(client, login, setup, add_action, frozen):
    login(setup["leader"])
    created = add_action(setup["project"], setup["member"], due="2026-03-12")
    assert created["status"] == "open" and created["overdue"] is False
    items = client.get(f"/api/v1/projects/{setup['project'].id}/actions").get_json()["items"]
    assert [(a["title"], a["overdue"]) for a in items] == [("Fix the dispatch list", False)]
    frozen.set(date(2026, 3, 13))
    items = client.get(f"/api/v1/projects/{setup['project'].id}/actions").get_json()["items"]
    assert items[0]["overdue"] is True
    # Done in time: no longer overdue, even after the due date.
    action = client.patch_read(f"/api/v1/actions/{created['id']}", json={"status": "done"}).get_json()
    assert action["overdue"] is False and action["completed_on"] == "2026-03-13"


def test_bad_input_names_every_field_and_stores_nothing(client, login, setup, db):
    login(setup["leader"])
    response = client.post(
        f"/api/v1/projects/{setup['project'].id}/actions",
        json={"title": "", "type": "magic", "owner_id": 99999, "due_date": "13/03/2026"},
    )
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"title", "type", "owner_id", "due_date"}
    assert "13/03/2026" in errors["due_date"]
    assert db.session.scalar(db.select(db.func.count(CorrectiveAction.id))) == 0


def test_patch_with_stale_version_is_409(client, login, setup, add_action):
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"])
    first = client.patch(f"/api/v1/actions/{action['id']}", json={"status": "in_progress", "version": action["version"]})
    assert first.status_code == 200
    stale = client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done", "version": action["version"]})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["status"] == "in_progress"


def test_only_a_done_action_can_be_verified(client, login, setup, add_action):
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"])
    response = client.patch_read(f"/api/v1/actions/{action['id']}", json={"status": "verified"})
    assert response.status_code == 400 and "status" in response.get_json()["errors"]


def test_access_other_team_404_viewer_403(client, login, setup, add_action):
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"])
    client.post("/logout")
    login(setup["outsider"])
    assert client.get(f"/api/v1/projects/{setup['project'].id}/actions").status_code == 404
    assert client.get(f"/api/v1/actions/{action['id']}").status_code == 404
    assert client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done"}).status_code == 404
    assert client.get(f"/projects/{setup['project'].id}/actions").status_code == 404
    client.post("/logout")
    login(setup["viewer"])
    assert client.get(f"/api/v1/projects/{setup['project'].id}/actions").status_code == 200
    assert client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done"}).status_code == 403
    assert client.post(f"/projects/{setup['project'].id}/actions", data={"title": "x"}).status_code == 403
    page = client.get(f"/projects/{setup['project'].id}/actions").get_data(as_text=True)
    assert "Fix the dispatch list" in page and "Add action" not in page


def test_page_adds_action_with_evidence_file_and_marks_overdue(client, login, setup, frozen, app, db):
    login(setup["leader"])
    response = client.post(
        f"/projects/{setup['project'].id}/actions",
        data={"title": "<b>Seal</b> check", "type": "containment", "owner_id": str(setup["member"].id),
              "due_date": "2026-03-01", "status": "open", "evidence_text": "photos",
              "evidence_file": (io.BytesIO(b"%PDF-1.4 report body"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    action = db.session.scalar(db.select(CorrectiveAction))
    assert action.evidence_name == "report.pdf"
    page = client.get(f"/projects/{setup['project'].id}/actions").get_data(as_text=True)
    assert "&lt;b&gt;Seal&lt;/b&gt; check" in page and 'class="overdue"' in page
    download = client.get(f"/actions/{action.id}/evidence")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 report body"
    download.close()
    client.post("/logout")
    login(setup["outsider"])
    assert client.get(f"/actions/{action.id}/evidence").status_code == 404


def test_evidence_over_the_size_limit_is_refused(client, login, setup, app, db):
    app.config["EVIDENCE_LIMIT_MB"] = 0.001
    login(setup["leader"])
    response = client.post(
        f"/projects/{setup['project'].id}/actions",
        data={"title": "Big file", "type": "correction", "owner_id": str(setup["member"].id),
              "due_date": "2026-03-20", "status": "open", "evidence_file": (io.BytesIO(b"%PDF-" + b"x" * 2000), "huge.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "“huge.pdf” is larger than the limit of 1 KB" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CorrectiveAction.id))) == 0


def test_project_page_panel_and_home_card_show_overdue(client, login, setup, add_action, frozen):
    login(setup["leader"])
    add_action(setup["project"], setup["member"], title="Late one", due="2026-03-01")
    add_action(setup["project"], setup["member"], title="Later one", due="2026-04-01")
    page = client.get(f"/projects/{setup['project'].id}").get_data(as_text=True)
    assert "2 actions, 2 open, 1 overdue" in page
    persian = client.get(f"/projects/{setup['project'].id}?lang=fa").get_data(as_text=True)
    assert "۲ اقدام، ۲ باز، ۱ معوق" in persian  # Persian comma: a middle dot beside «۱» reads as «۱۰»
    client.post("/logout")
    login(setup["member"])
    home = client.get("/").get_data(as_text=True)
    assert "You own 2 open action(s), 1 overdue" in home


def test_xlsx_in_persian_is_right_to_left(client, login, setup, add_action, db):
    from openpyxl import load_workbook

    setup["project"].started_on = date(2026, 1, 5)  # within the frozen clock's quarter
    db.session.commit()
    login(setup["leader"])
    add_action(setup["project"], setup["member"], title="+SUM(A1)", due="2026-03-01")
    book = load_workbook(io.BytesIO(client.get("/dashboard.xlsx?lang=fa").data))
    assert book.worksheets[0].sheet_view.rightToLeft is True
    assert book.worksheets[0]["A1"].value == "مالک فرایند"
    assert book.worksheets[1]["A2"].value == "'+SUM(A1)"


def test_due_date_typed_in_jalali_on_the_action_form(client, login, setup, db):
    from workbench.actions.models import CorrectiveAction

    login(setup["leader"])
    pid = setup["project"].id
    response = client.post(f"/projects/{pid}/actions", data={
        "title": "Weekend shift", "type": "corrective", "owner_id": str(setup["member"].id),
        "due_date": "۱۴۰۵/۰۱/۱۵", "status": "open"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    action = db.session.scalar(db.select(CorrectiveAction).where(CorrectiveAction.title == "Weekend shift"))
    assert action.due_date.isoformat() == "2026-04-04"
