import pytest

from workbench.fishbone import services
from workbench.fishbone.models import FishboneCause

pytestmark = pytest.mark.browser


def test_meeting_mode_keyboard_add_nest_vote_verify(page, db, fishbone, artifacts):
    from playwright.sync_api import expect

    project, leader, diagram = fishbone
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone")
    field = page.locator("#fb-input")
    expect(page.locator("#fb-outline li.selected")).to_have_text("People")
    field.focus()
    page.keyboard.press("Alt+m")
    expect(page.locator("#fishbone-app")).to_have_class("fb-app meeting")

    page.keyboard.type("Driver shortage")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("Driver shortage")
    page.keyboard.type("Fixed shifts ignore peaks")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("Fixed shifts ignore peaks")
    page.keyboard.press("Tab")  # nest under "Driver shortage"
    expect(page.locator("#fb-outline li.selected")).to_have_attribute("style", "padding-inline-start: 2.6rem;")

    page.keyboard.press("Alt+o")  # a voting round, keyboard only
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.locator(".fb-left")).to_contain_text("2")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("Driver shortage")
    page.keyboard.press("Alt+v")
    expect(page.locator("#fb-outline li.selected .fb-votes")).to_have_text("● 1")
    page.keyboard.press("Alt+r")
    page.keyboard.type("28 of 40 late orders were on peak days")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-tag.verified")).to_be_visible()
    expect(page.locator("#fb-svg svg text", has_text="✓ Driver shortage")).to_have_count(1)

    db.session.expire_all()
    top = db.session.scalar(db.select(FishboneCause).where(FishboneCause.text == "Driver shortage"))
    child = db.session.scalar(db.select(FishboneCause).where(FishboneCause.text == "Fixed shifts ignore peaks"))
    assert child.parent_id == top.id and top.status == "verified"
    assert [e.text for e in top.evidence if e.verifies] == ["28 of 40 late orders were on peak days"]
    assert services.verified_root_causes(project.id)[0]["text"] == "Driver shortage"
    shot = artifacts / "fishbone-meeting.png"
    page.locator("#fb-svg").screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    page.screenshot(path=str(artifacts / "fishbone-meeting-full.png"))


def test_changes_by_someone_else_appear_without_reload(page, db, fishbone):
    from playwright.sync_api import expect

    project, leader, diagram = fishbone
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone")
    expect(page.locator("#fb-outline li.selected")).to_have_text("People")
    services.add_cause(diagram, leader, {"text": "Added from another screen", "category_id": diagram.categories[1].id})
    db.session.commit()
    expect(page.locator("#fb-outline .fb-text", has_text="Added from another screen")).to_be_visible(timeout=6000)


def test_persian_meeting_categories_and_causes_by_keyboard(page, db, make_project, artifacts):
    from playwright.sync_api import expect

    from workbench.models import User

    project = make_project(title="کاهش تأخیر تحویل", problem_statement="تأخیر در تحویل سفارش‌ها")
    leader = db.session.get(User, project.leader_id)
    leader.locale = "fa"
    services.create_diagram(project, "6m", "fa")
    db.session.commit()
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone?meeting=1")
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("#fb-outline li.selected")).to_have_text("نیروی انسانی")
    page.locator("#fb-input").focus()
    page.keyboard.type("کمبود راننده در روزهای پرکار")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("کمبود راننده در روزهای پرکار")
    page.keyboard.press("Alt+w")
    page.keyboard.type("چون شیفت‌ها ثابت است")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("چون شیفت‌ها ثابت است")
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+c")
    page.keyboard.type("مدیریت")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.selected")).to_have_text("مدیریت")
    page.keyboard.press("F2")
    page.keyboard.press("Control+a")
    page.keyboard.type("مدیریت ارشد")
    page.keyboard.press("Enter")
    expect(page.locator("#fb-outline li.fb-category").last).to_have_text("مدیریت ارشد")
    expect(page.locator("#fb-svg svg text", has_text="مدیریت ارشد")).to_have_count(1)
    db.session.expire_all()
    why = db.session.scalar(db.select(FishboneCause).where(FishboneCause.text == "چون شیفت‌ها ثابت است"))
    assert why.is_why and why.parent_id is not None
    assert [c.name for c in services.diagram_of(project).categories][-1] == "مدیریت ارشد"
    page.locator("#fb-svg").screenshot(path=str(artifacts / "fishbone-meeting-fa.png"))
    page.locator(f"#fb-svg g#c{why.id}").click()  # the drawing is clickable too
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("چون شیفت‌ها ثابت است")


def test_hostile_labels_show_as_text_in_the_live_page(page, db, fishbone):
    from playwright.sync_api import expect

    project, leader, diagram = fishbone
    hostile = ["<script>alert(1)</script>", "</text><svg onload=alert(1)>", "<img src=x onerror=alert(1)>"]
    for text in hostile:
        services.add_cause(diagram, leader, {"text": text, "category_id": diagram.categories[0].id})
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone")
    for text in hostile:
        expect(page.locator("#fb-outline .fb-text", has_text=text)).to_have_count(1)
        expect(page.locator("#fb-svg svg text", has_text=text)).to_have_count(1)
    assert page.locator("#fb-svg img, #fb-svg script, #fb-svg svg svg").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_meeting_mode_says_whose_edit_won_and_shows_the_stored_cause(page, db, fishbone):
    """Someone else renamed the cause while I typed: my edit is refused (409), I see both texts, and the outline shows theirs."""
    from playwright.sync_api import expect

    project, leader, diagram = fishbone
    cause = services.add_cause(diagram, leader, {"text": "Driver shortage", "category_id": diagram.categories[0].id})
    db.session.commit()
    # No live refresh: the page loads once (its watch address asked plainly), then its polls
    # (asked with the revision it shows) never arrive, so it keeps the version it read.
    page.route("**/live/**", lambda route: route.abort() if route.request.headers.get("if-none-match") else route.continue_())
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone?meeting=1")
    expect(page.locator("#fb-outline li.selected")).to_have_text("People")
    page.locator("#fb-input").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text("Driver shortage")

    services.update_cause(db.session.get(FishboneCause, cause.id), leader, {"text": "Too few drivers on peak days"})
    db.session.commit()
    page.keyboard.press("F2")
    page.keyboard.press("Control+a")
    page.keyboard.type("Drivers quit in spring")
    page.keyboard.press("Enter")

    box = page.locator("#fb-conflict")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Too few drivers on peak days")
    expect(box).to_contain_text("Drivers quit in spring")
    expect(page.locator("#fb-outline .fb-text", has_text="Too few drivers on peak days")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(FishboneCause, cause.id).text == "Too few drivers on peak days"
