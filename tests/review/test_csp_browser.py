"""With no inline script allowed, the fishbone page still asks before removing a category, and nothing is blocked."""

import pytest

from tests.conftest import TEST_PASSWORD
from workbench.fishbone.models import FishboneCategory

pytestmark = pytest.mark.browser


def test_remove_category_asks_first_and_no_script_is_blocked(page, db, make_project):
    from playwright.sync_api import expect

    from workbench.fishbone import services
    from workbench.models import User

    project = make_project()
    leader = db.session.get(User, project.leader_id)
    services.create_diagram(project, "6m", "en")
    db.session.commit()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone")
    expect(page.locator("#fb-outline li.selected")).to_have_text("People")  # the editor's script ran
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    page.locator("form[data-confirm] button.danger").first.click()
    page.wait_for_timeout(300)
    assert asked == ["Remove this category and all its causes?"]
    db.session.expire_all()
    assert db.session.query(FishboneCategory).count() == 6  # dismissed: nothing removed
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[data-confirm] button.danger").first.click()
    db.session.expire_all()
    assert db.session.query(FishboneCategory).count() == 5
    page.goto(f"/projects/{project.id}/fishbone/print")
    expect(page.locator("[data-print]")).to_be_visible()
    assert blocked == []
