"""User text that looks like markup or a formula is never live: pages, inline JSON, SVG, spreadsheets."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.review.test_access_walk import _urls
from workbench.demo import DEMO_PASSWORD

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}'</script><!--"
LIVE = ("<script>alert(1)", "<img src=x onerror", "</script><!--")
RISKY = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(db, demo):
    """Put markup in every kind of user text of the noise project: team, project, people, causes, FMEA, actions."""
    from workbench.actions.models import CorrectiveAction, EffectivenessCheck
    from workbench.fishbone.models import FishboneCategory, FishboneCause, FishboneDiagram, FishboneEvidence
    from workbench.fmea.models import TEXT_FIELDS, FmeaDocument, FmeaRow
    from workbench.teams.models import Team

    project = demo["project"]
    project.title = "P " + PAYLOAD
    project.problem_statement = PAYLOAD
    db.session.get(Team, project.team_id).name = "T " + PAYLOAD
    demo["insider"].name = "J " + PAYLOAD
    diagram = db.session.scalar(select(FishboneDiagram).where(FishboneDiagram.project_id == project.id))
    diagram.effect = "E " + PAYLOAD
    for n, category in enumerate(db.session.scalars(select(FishboneCategory).where(FishboneCategory.diagram_id == diagram.id))):
        category.name = f"C{n} " + PAYLOAD
    for n, cause in enumerate(db.session.scalars(select(FishboneCause).where(FishboneCause.diagram_id == diagram.id))):
        cause.text = f"{n} " + PAYLOAD
        cause.notes = PAYLOAD
    for item in db.session.scalars(select(FishboneEvidence)):
        item.text = PAYLOAD
        if item.stored_name:
            item.file_name = PAYLOAD + ".html"
    document = db.session.scalar(select(FmeaDocument).where(FmeaDocument.project_id == project.id))
    document.title = document.company = document.customer = PAYLOAD
    for n, row in enumerate(db.session.scalars(select(FmeaRow).where(FmeaRow.document_id == document.id))):
        for field in TEXT_FIELDS:
            setattr(row, field, (RISKY[n % len(RISKY)] + "1+1 " + PAYLOAD) if n % 2 else PAYLOAD)
    for n, action in enumerate(db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.project_id == project.id))):
        action.title = ("=HYPERLINK(\"http://x\") " if n % 2 else "") + PAYLOAD
        action.evidence_text = PAYLOAD
        if n % 2:  # overdue, so it is listed on the dashboard
            action.status, action.due_date, action.completed_on = "open", date.today() - timedelta(days=5), None
    for check in db.session.scalars(select(EffectivenessCheck).where(EffectivenessCheck.project_id == project.id)):
        check.criteria = PAYLOAD
    db.session.commit()
    return demo


def _is_markup(response) -> bool:
    kind = response.mimetype or ""
    return kind in ("text/html", "image/svg+xml") or kind.endswith("+xml")


@pytest.mark.parametrize("who", ["insider", "qm"])
def test_markup_in_user_text_is_never_live(app, client, login, hostile, who):
    login(hostile[who], DEMO_PASSWORD)
    pages = [("GET", url) for _, method, url in _urls(app, hostile["ids"]) if method == "GET"]
    pages += [("GET", url) for url in ("/", "/projects", "/teams", "/dashboard", "/notifications",
                                        f"/projects/{hostile['ids']['project_id']}/fishbone?meeting=1")]
    checked, live = 0, []
    for _method, url in pages:
        response = client.get(url)
        response.close()
        if response.status_code != 200 or not _is_markup(response):
            continue
        checked += 1
        body = response.get_data(as_text=True)
        live += [(url, marker) for marker in LIVE if marker in body]
    assert checked > 20
    assert live == []


def test_spreadsheet_cells_never_start_a_formula(client, login, hostile):
    login(hostile["insider"], DEMO_PASSWORD)
    pid = hostile["ids"]["project_id"]
    book = load_workbook(io.BytesIO(client.get(f"/projects/{pid}/fmea.xlsx").data))
    values = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(PAYLOAD in c.value for c in values)
    risky = [c.coordinate for c in values if c.value.startswith(RISKY) and not (c.data_type == "s" and c.quotePrefix)]
    assert risky == []
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    rows = list(csv.reader(io.StringIO(client.get(f"/projects/{pid}/fmea.csv").get_data(as_text=True))))
    assert not [v for row in rows for v in row if v.startswith(RISKY)]
    assert any(v.startswith("'+1+1") for row in rows for v in row)


def test_dashboard_workbook_escapes_action_titles(client, login, hostile):
    login(hostile["qm"], DEMO_PASSWORD)
    book = load_workbook(io.BytesIO(client.get("/dashboard.xlsx").data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.coordinate for c in cells if isinstance(c.value, str) and c.value.startswith(RISKY)]
