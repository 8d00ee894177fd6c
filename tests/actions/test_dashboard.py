import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from workbench.actions.models import CorrectiveAction, EffectivenessCheck
from workbench.extensions import db as _db


@pytest.fixture
def portfolio(client, login, setup, add_action, make_project, db, owners, frozen):
    """Two projects of the setup team (sales, production) and one of another team."""
    login(setup["leader"])
    sales = setup["project"]
    sales.started_on = date(2026, 1, 5)
    production = make_project(team=setup["team"], title="Fridge noise", process_owner="production", started_on="2026-01-05")
    add_action(sales, setup["member"], title="=HYPERLINK(\"http://evil\")", due="2026-03-01")  # overdue
    opened_early = add_action(sales, setup["member"], title="On time", due="2026-03-20")
    db.session.get(CorrectiveAction, opened_early["id"]).created_at = datetime(2026, 1, 20, tzinfo=UTC)  # 49 days open
    db.session.commit()
    late = add_action(production, setup["member"], title="Done late", due="2026-03-01")
    client.patch_read(f"/api/v1/actions/{late['id']}", json={"status": "done"})  # completed 03-10 > due
    on_time = add_action(production, setup["member"], title="Done on time", due="2026-03-15")
    client.patch_read(f"/api/v1/actions/{on_time['id']}", json={"status": "done"})
    closed = make_project(team=setup["team"], title="Closed one", process_owner="sales", started_on="2025-11-01")
    closed.stage, closed.closed_at = "closed", datetime(2026, 2, 1, tzinfo=UTC)
    db.session.add(EffectivenessCheck(project_id=closed.id, criteria="x", actions_on=date(2025, 12, 1), check_date=date(2026, 1, 30),
                                      before_count=40, after_count=10, p_value=0.0001, measured_at=datetime(2026, 2, 1, tzinfo=UTC),
                                      decision="accepted", decision_note=""))
    db.session.commit()
    client.post("/logout")
    return {"sales": sales, "production": production, "closed": closed}


def _row(body, key):
    return next(r for r in body["owners"] if r["owner_key"] == key)


def test_dashboard_figures_by_owner_and_stage(client, login, setup, portfolio):
    login(setup["viewer"])
    body = client.get("/api/v1/dashboard").get_json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    sales, production = _row(body, "sales"), _row(body, "production")
    assert sales["projects"]["define"] == 1 and sales["projects"]["closed"] == 1 and sales["closed_in_period"] == 1
    assert sales["actions"]["open"] == 2 and sales["actions"]["overdue"] == 1
    assert production["actions"]["completed"] == 2 and production["actions"]["on_time_pct"] == 50.0
    complaints = sales["complaints"]
    assert (complaints["before"], complaints["after"], complaints["change_pct"], complaints["enough_data"]) == (40, 10, -75.0, True)
    assert complaints["change_ci_pct"][0] < -75.0 < complaints["change_ci_pct"][1] < 0
    assert body["totals"]["actions"]["total"] == 4 and body["totals"]["actions"]["overdue"] == 1
    assert [a["days_overdue"] for a in body["overdue_actions"]] == [9]
    assert sales["actions"]["ageing"] == {"0-30": 1, "31-60": 1, "61-90": 0, "91-": 0}
    # The period filter: nothing closed in the last quarter of 2025.
    earlier = client.get("/api/v1/dashboard?from=2025-10-01&to=2025-12-31").get_json()
    assert earlier["totals"]["closed_in_period"] == 0
    only_production = client.get(f"/api/v1/dashboard?owner_id={portfolio['production'].process_owner_id}").get_json()
    assert [r["owner_key"] for r in only_production["owners"]] == ["production"]
    assert client.get("/api/v1/dashboard?from=yesterday").status_code == 400


def test_other_team_sees_none_of_it(client, login, setup, portfolio):
    login(setup["outsider"])
    body = client.get("/api/v1/dashboard").get_json()
    assert body["totals"]["projects_total"] == 0 and body["overdue_actions"] == []
    assert "HYPERLINK" not in client.get("/dashboard").get_data(as_text=True)


def test_dashboard_query_count_does_not_grow_with_data(client, login, setup, portfolio, make_project, add_action, db, app):
    def count_queries():
        statements = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", listen)
        try:
            login(setup["viewer"])
            assert client.get("/api/v1/dashboard").status_code == 200
            client.post("/logout")
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    small = count_queries()
    login(setup["leader"])
    for n in range(6):
        project = make_project(team=setup["team"], title=f"More {n}", process_owner=("quality", "service")[n % 2], started_on="2026-01-05")
        add_action(project, setup["member"], title=f"Action {n}", due="2026-02-01")
    client.post("/logout")
    assert count_queries() == small


def test_xlsx_export_escapes_formulas(client, login, setup, portfolio):
    login(setup["qm"])
    response = client.get("/dashboard.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    overdue = book.worksheets[1]
    titles = [row[0].value for row in overdue.iter_rows(min_row=2)]
    assert titles == ["'=HYPERLINK(\"http://evil\")"]
    owners = [row[0].value for row in book.worksheets[0].iter_rows(min_row=2)]
    assert "Sales" in owners and owners[-1] == "Total"


def test_pdf_exports(client, login, setup, portfolio):
    login(setup["qm"])
    dashboard = client.get("/dashboard.pdf?lang=fa")
    assert dashboard.status_code == 200 and dashboard.data.startswith(b"%PDF")
    report = client.get(f"/projects/{portfolio['sales'].id}/report.pdf")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")
    client.post("/logout")
    login(setup["outsider"])
    assert client.get(f"/projects/{portfolio['sales'].id}/report.pdf").status_code == 404


def test_dashboard_page_marks_overdue_in_persian(client, login, setup, portfolio):
    login(setup["viewer"])
    page = client.get("/dashboard?lang=fa").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert 'id="overdue-total">۱<' in page


def test_dashboard_percentages_in_the_page_language(client, login, setup, portfolio):
    """On-time rate and complaint change: «۵۰٫۰٪» and «−۷۵٫۰٪» on the Persian page, 50.0% and -75.0% on the English one."""
    login(setup["viewer"])
    page = re.sub(r"<[^>]*>", " ", client.get("/dashboard?lang=fa").get_data(as_text=True))  # the text a reader sees
    assert "۵۰٫۰٪" in page and "\u200e\u2212۷۵٫۰٪" in page
    assert "باز کردن" not in page  # the "Open" column is the state «باز», not the verb "to open"
    assert "50.0" not in page and "۵۰.۰" not in page and "75.0%" not in page
    page = re.sub(r"<[^>]*>", " ", client.get("/dashboard?lang=en").get_data(as_text=True))
    assert "50.0%" in page and "-75.0%" in page and "٪" not in page


def test_printed_tables_repeat_their_headers_on_every_page(client, login, setup, portfolio):
    """Each table's header row is its <thead> (printed again on every page the table runs to) and user-named
    cells (project, owner) keep their own direction."""
    login(setup["viewer"])
    page = client.get("/dashboard?lang=fa").get_data(as_text=True)
    for table in ("by-owner", "actions-by-owner", "overdue-actions"):
        body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S).group(1)
        assert re.match(r"\s*<thead><tr><th>", body) and "<th" not in body.split("</thead>", 1)[1], table
    assert '<td dir="auto"><a href="/projects/' in page


def test_dashboard_page_figures_are_shared_only_by_readers_of_the_same_teams(app, setup, portfolio):
    """The page's figures are computed once per data revision for readers who see the same teams: a reader of
    another team never sees them, and an action added afterwards is shown at once."""
    from tests.conftest import TEST_PASSWORD

    def reader(user):
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        return client

    viewer, qm, outsider = reader(setup["viewer"]), reader(setup["qm"]), reader(setup["outsider"])
    assert "HYPERLINK" in viewer.get("/dashboard").get_data(as_text=True)  # the overdue action, escaped
    assert "HYPERLINK" not in outsider.get("/dashboard").get_data(as_text=True)
    assert "HYPERLINK" in qm.get("/dashboard").get_data(as_text=True)
    leader = reader(setup["leader"])
    added = leader.post(f"/api/v1/projects/{portfolio['sales'].id}/actions",
                        json={"title": "Call the courier", "type": "corrective", "owner_id": setup["member"].id, "due_date": "2026-03-02"})
    assert added.status_code == 201
    assert "Call the courier" in viewer.get("/dashboard").get_data(as_text=True)
    assert "Call the courier" not in outsider.get("/dashboard").get_data(as_text=True)
