"""In the browser: create a corrective action from an FMEA row with the keyboard and follow it to the action page."""

import pytest
from playwright.sync_api import expect

from workbench.actions import services
from workbench.actions.models import CorrectiveAction
from workbench.fmea import services as fmea

pytestmark = pytest.mark.browser


def test_create_corrective_action_from_the_fmea_table_with_the_keyboard(page, setup, db, artifacts):
    project, leader = setup["project"], setup["leader"]
    row = fmea.create_row(project, {"process_step": "Dispatch", "failure_mode": "Late", "failure_cause": "Old stock list",
                                    "severity": 7, "occurrence": 5, "detection": 6, "prevention_action": "Daily stock sync",
                                    "target_date": "2026-03-01"})
    db.session.commit()
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fmea")
    cell = page.locator(f'tr[data-id="{row.id}"] td[data-field="corrective_actions"]')
    expect(cell.locator("button.create-action")).to_have_text("Create corrective action")
    cell.click(position={"x": 4, "y": 4})  # the cell itself, not its button
    page.keyboard.press("Enter")  # into the cell: the button takes the focus
    expect(cell.locator("button.create-action")).to_be_focused()
    page.keyboard.press("Enter")  # asks who owns it and by when
    dialog = page.locator("dialog.fmea-action-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("input[name=due_date]")).to_have_value("2026-03-01")  # the row's target date
    expect(dialog.locator(".ts-control input")).to_be_focused()  # the row names no one: the owner picker asks
    page.keyboard.type(leader.name[:4])  # chosen with the keyboard: type, Enter on the first match
    expect(dialog.locator(".ts-dropdown .option.active")).to_contain_text(leader.name)
    page.keyboard.press("Enter")
    expect(dialog.locator("select[name=owner_id]")).to_have_value(str(leader.id))
    dialog.locator("input[name=due_date]").fill("not a date")
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator("p.error")).not_to_be_empty()  # refused, said in the dialog; nothing made
    assert db.session.scalar(db.select(db.func.count(CorrectiveAction.id))) == 0
    dialog.locator("input[name=due_date]").fill("2026-03-01")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/actions")) as answer:
        dialog.locator("input[name=due_date]").press("Enter")
    assert answer.value.status == 201
    expect(dialog).to_have_count(0)
    link = cell.locator("a")
    expect(link).to_have_text("Daily stock sync")
    expect(cell.locator(".badge.overdue")).to_have_text("Overdue")  # due 2026-03-01, frozen today 2026-03-10
    expect(page.locator("#fmea-status")).to_contain_text("created")
    action = db.session.scalar(db.select(CorrectiveAction))
    assert action.fmea_row_id == row.id and action.title == "Daily stock sync"
    assert action.owner_id == leader.id and str(action.due_date) == "2026-03-01"
    page.screenshot(path=str(artifacts / "fmea-linked-action.png"), full_page=True)
    # Someone marks the action done in the tracker: the projected FMEA follows within a poll.
    services.save_action(action, project, {"status": "done"})
    db.session.commit()
    expect(cell.locator(".badge.action-status")).to_have_text("Done", timeout=15000)
    expect(page.locator(f'tr[data-id="{row.id}"] td[data-field="action_status"]')).to_have_text("Completed")
    expect(cell.locator(".badge.overdue")).to_have_count(0)
    link.click()
    page.wait_for_url(f"**/actions/{action.id}")
    expect(page.locator(".fmea-row-link")).to_contain_text("Old stock list")
