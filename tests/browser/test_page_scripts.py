"""Scripts a user clicks: "Tick all" in the review queue, a confirmed label says so, a vote too many is explained, not thrown."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_tick_all_ticks_every_complaint_and_confirm_says_so(page, page_login, page_errors, db, make_user, size):
    from playwright.sync_api import expect

    from workbench.complaint_import.defaults import ensure_defaults
    from workbench.complaint_import.models import Complaint
    from workbench.models import utcnow

    ensure_defaults()
    qm = make_user(role="quality_manager")
    for n in range(3):
        db.session.add(Complaint(source="shop", external_id=f"C-{n}", received_at=utcnow().date(), text=f"Late delivery {n}",
                                 text_norm=f"late delivery {n}", content_hash=f"h{n}", confidence=0.2))
    db.session.commit()
    problems = page_errors
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page_login(qm)
    page.goto("/complaints/review")
    form = page.locator("form.label-form").first
    form.locator("select[name=category]").select_option("price")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("confirmed as category “Price”")
    boxes = page.locator("input[name=ids]")
    count = boxes.count()
    assert count >= 2
    page.get_by_label("Tick all").check()
    for n in range(count):
        expect(boxes.nth(n)).to_be_checked()
    boxes.nth(0).uncheck()  # one cleared: "Tick all" is no longer ticked
    expect(page.get_by_label("Tick all")).not_to_be_checked()
    page.get_by_label("Tick all").check()
    page.locator("#bulk select[name=category]").select_option("delivery_speed")
    page.click("#bulk button[type=submit]")
    expect(page.locator(".flash")).to_have_text(f"{count} complaints confirmed as category “Delivery speed”; they teach the classifier at the next retraining.")
    db.session.expire_all()
    assert sorted(c.category for c in db.session.scalars(db.select(Complaint))) == ["delivery_speed"] * (3 - 1) + ["price"]
    assert problems == []


def test_fourth_vote_of_three_is_explained_without_an_uncaught_error(page, page_login, page_errors, db, make_project):
    from playwright.sync_api import expect

    from workbench.fishbone import services
    from workbench.fishbone.models import FishboneVote
    from workbench.models import User

    project = make_project()
    leader = db.session.get(User, project.leader_id)
    services.create_diagram(project, "6m", "en")
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/fishbone")
    field = page.locator("#fb-input")
    expect(page.locator("#fb-outline li.selected")).to_have_text("People")
    field.fill("Driver shortage")
    field.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("Driver shortage")
    page.click("#fb-start-round")
    expect(page.locator("#fb-status")).to_have_text("Voting round started.")
    expect(page.locator(".fb-left")).to_contain_text("3")
    for left in (2, 1, 0):
        field.press("Alt+v")
        expect(page.locator(".fb-left")).to_contain_text(str(left))
    field.press("Alt+v")  # the 4th
    expect(page.locator("#fb-status")).to_have_text(
        "You have used all 3 of your votes in this round; take one back with Alt+Shift+V to vote again.")
    page.wait_for_timeout(300)
    assert db.session.query(FishboneVote).count() == 3
    assert problems == [], problems
