"""Sending verified root causes from the fishbone page lands on the new FMEA rows; the button then opens them."""

import pytest

from workbench.fmea.models import FmeaRow


def _verified(client, project, diagram, text):
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": text, "category_id": diagram.categories[2].id}).get_json()
    version = client.get(f"/api/v1/causes/{cause['id']}").get_json()["version"]
    assert client.post(f"/api/v1/causes/{cause['id']}/verify", json={"evidence": "sampled 40 orders", "version": version}).status_code == 200
    return cause


def test_send_lands_on_the_new_rows_and_the_button_stops_offering_to_send(client, login, team_project, db):
    from workbench.fishbone import services as fishbone

    project, leader, _ = team_project
    diagram = fishbone.create_diagram(project, "6m", "en")
    db.session.commit()
    login(leader)
    first = _verified(client, project, diagram, "Pick list printed after the cut-off")
    page = client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    assert "Send 1 verified root cause to the FMEA" in page and "fb-open-fmea" not in page

    sent = client.post(f"/projects/{project.id}/fishbone/send")
    row = db.session.scalar(db.select(FmeaRow).where(FmeaRow.cause_id == first["id"]))
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/projects/{project.id}/fmea?rows={row.id}#row-{row.id}"
    landed = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "1 verified root cause sent to the FMEA: rate it there." in landed

    page = client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    assert "fb-send-fmea" not in page and f"?rows={row.id}" in page  # nothing left to send: it opens the rows

    second = _verified(client, project, diagram, "Courier picks up once a day")
    page = client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    assert "Send 1 verified root cause to the FMEA" in page  # only the new one
    sent = client.post(f"/projects/{project.id}/fishbone/send")
    rows = list(db.session.scalars(db.select(FmeaRow.id).order_by(FmeaRow.id)))
    assert len(rows) == 2 and db.session.scalar(db.select(FmeaRow.cause_id).where(FmeaRow.id == rows[1])) == second["id"]
    assert f"rows={rows[0]}%2C{rows[1]}" in sent.headers["Location"] or f"rows={rows[0]},{rows[1]}" in sent.headers["Location"]


@pytest.mark.browser
def test_arriving_rows_are_highlighted_and_the_cursor_waits_on_severity(page, team_project, db):
    from playwright.sync_api import expect

    from workbench.fmea import services

    project, leader, _ = team_project
    rows = [services.create_row(project, {"failure_cause": f"Cause {n}"}) for n in range(3)]
    db.session.commit()
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fmea?rows={rows[1].id},{rows[2].id}#row-{rows[1].id}")
    expect(page.locator("tr.arrived")).to_have_count(2)
    expect(page.locator(f'tr[data-id="{rows[1].id}"] td[data-field="severity"]')).to_have_class("c-rating current")
    expect(page.locator("#fmea-status")).to_have_text("Rows from the fishbone's verified root causes are highlighted (2): rate S, O and D.")
