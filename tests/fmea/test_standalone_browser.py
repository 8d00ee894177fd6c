"""In the browser: a standalone FMEA's table is the same editor, talking to its own rows."""

import pytest
from playwright.sync_api import expect

from workbench.fmea import places, services
from workbench.fmea.models import FmeaRow

pytestmark = pytest.mark.browser


def test_edit_and_add_rows_of_a_standalone_fmea(page, db, owners, make_user, artifacts):
    manager = make_user(role="quality_manager")
    document = places.create_standalone(manager, {"process_owner": "production", "kind": "process", "title": "Paint shop"})
    row = services.add_row(document, None, {"process_step": "Spraying", "failure_mode": "Runs", "severity": 7, "occurrence": 4, "detection": 6})
    db.session.commit()
    page.goto("/login")
    page.fill("input[name=email]", manager.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/fmea/{document.id}")
    cells = f'tr[data-id="{row.id}"]'
    assert page.text_content(f'{cells} td[data-field="rpn"]') == "168"
    assert page.locator('th[data-field="corrective_actions"], td[data-field="corrective_actions"]').count() == 0
    page.click(f'{cells} td[data-field="severity"]')
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    expect(page.locator(f'{cells} td[data-field="action_priority"]')).to_have_text("H")
    assert page.text_content(f'{cells} td[data-field="rpn"]') == "216"
    page.keyboard.press("Control+Enter")
    expect(page.locator("#fmea-table tbody tr")).to_have_count(2)
    page.screenshot(path=str(artifacts / "fmea-standalone.png"), full_page=True)
    db.session.expire_all()
    assert db.session.get(FmeaRow, row.id).severity == 9
    assert len(services.row_dicts(document)) == 2
