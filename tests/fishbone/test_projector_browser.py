"""Meeting mode on a projector: the diagram fills the screen, its text renders at 18 px or more,
it follows the outline, zooms by keyboard, focuses on one category and turns high-contrast."""

import pytest

from workbench.fishbone import services

pytestmark = pytest.mark.browser

CAUSES = {
    "en": [
        ["Driver shortage on peak days", "Fixed shifts ignore the weekly peaks", "New drivers need two weeks of training"],
        ["Orders keyed twice by hand", "Address book not checked before dispatch"],
        ["Trucks wait at the loading dock", "Spare parts missing for the forklift", "Old scanners drop the signal"],
        ["Stock counts differ from the system", "Supplier ships late without notice"],
        ["No target for dispatch time", "Late orders are not measured per day"],
        ["Traffic in the city centre at noon", "Holiday closures not in the plan"],
    ],
    "fa": [
        ["کمبود راننده در روزهای پرکار", "شیفت‌ها اوج هفتگی را در نظر نمی‌گیرند", "راننده تازه دو هفته آموزش لازم دارد"],
        ["سفارش دو بار دستی وارد می‌شود", "نشانی پیش از ارسال بررسی نمی‌شود"],
        ["کامیون‌ها در سکوی بارگیری منتظر می‌مانند", "قطعه یدکی لیفتراک موجود نیست", "اسکنرهای قدیمی قطع می‌شوند"],
        ["موجودی شمارش‌شده با سیستم فرق دارد", "تأمین‌کننده بی‌خبر دیر می‌فرستد"],
        ["برای زمان ارسال هدفی نیست", "سفارش‌های دیرکرد روزانه سنجیده نمی‌شوند"],
        ["ترافیک مرکز شهر در ظهر", "تعطیلات در برنامه دیده نشده است"],
    ],
}

MEASURE = """() => {
  const box = document.getElementById('fb-svg').getBoundingClientRect();
  const shown = [], hidden = [];
  for (const t of document.querySelectorAll('#fb-svg svg g.node text')) {
    const r = t.getBoundingClientRect();
    const px = parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a;
    const inside = r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const seen = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
    (seen ? shown : hidden).push({id: t.parentNode.id, px: px, inside: inside});
  }
  return {shown, hidden, box: [box.width, box.height], zoom: parseFloat(document.getElementById('fishbone-app').dataset.zoom)};
}"""


def _fishbone(db, make_project, lang):
    from workbench.models import User

    project = make_project(title="Late deliveries" if lang == "en" else "کاهش تأخیر تحویل")
    leader = db.session.get(User, project.leader_id)
    leader.locale = lang
    diagram = services.create_diagram(project, "6m", lang)
    db.session.flush()
    for category, texts in zip(diagram.categories, CAUSES[lang], strict=True):
        first = services.add_cause(diagram, leader, {"text": texts[0], "category_id": category.id})
        for text in texts[1:]:
            services.add_cause(diagram, leader, {"text": text, "category_id": category.id, "parent_id": first.id if len(text) % 2 else None})
    db.session.commit()
    return project, leader, diagram


@pytest.mark.parametrize(("lang", "size"), [("fa", (1280, 720)), ("en", (1280, 720)), ("en", (1920, 1080)), ("fa", (1920, 1080))])
def test_meeting_mode_is_readable_on_a_projector(page, db, make_project, artifacts, lang, size):
    from playwright.sync_api import expect

    project, leader, diagram = _fishbone(db, make_project, lang)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fishbone?meeting=1")
    app = page.locator("#fishbone-app")
    expect(page.locator("#fb-outline li.selected")).to_have_count(1)
    expect(app).to_have_attribute("data-view", "readable")

    seen = page.evaluate(MEASURE)
    width, height = seen["box"]
    assert width >= 0.6 * size[0] and height >= 0.9 * size[1], seen["box"]  # the diagram takes the screen
    assert len(seen["shown"]) >= 8
    assert min(t["px"] for t in seen["shown"]) >= 18, seen["shown"]
    page.screenshot(path=str(artifacts / f"meeting-{lang}-{size[0]}.png"))

    # Outline → diagram: walking down the outline keeps the selected label on screen and readable.
    field = page.locator("#fb-input")
    for _ in range(len(page.locator("#fb-outline li").all()) - 1):
        field.press("ArrowDown")
    last = page.locator("#fb-outline li.selected").get_attribute("data-key")
    expect(page.locator(f"#fb-svg g#{last}")).to_have_class("node fb-selected")
    page.wait_for_timeout(200)
    label = next(t for t in page.evaluate(MEASURE)["shown"] if t["id"] == last)
    assert label["inside"] and label["px"] >= 18
    # Diagram → outline: clicking a label on screen selects it in the outline.
    from workbench.fishbone.models import FishboneCause

    visible = next(t["id"] for t in page.evaluate(MEASURE)["shown"] if t["inside"] and t["id"].startswith("c") and t["id"] != last)
    page.locator(f"#fb-svg g#{visible}").click()
    expect(page.locator("#fb-outline li.selected .fb-text")).to_have_text(db.session.get(FishboneCause, int(visible[1:])).text)
    # Back to the first cause of the first category, from the outline.
    first_bone = list(db.session.scalars(db.select(FishboneCause).where(FishboneCause.category_id == diagram.categories[0].id).order_by(FishboneCause.id)))
    page.locator(f"#fb-outline li[data-key=c{first_bone[0].id}]").click()
    expect(page.locator(f"#fb-svg g#c{first_bone[0].id}")).to_have_class("node fb-selected")

    # Focus on one category: all of its labels on screen, readable; Alt+K again goes back.
    field.press("Alt+k")
    expect(app).to_have_attribute("data-view", "bone")
    bone = {f"k{diagram.categories[0].id}"} | {f"c{c.id}" for c in first_bone}
    focused = page.evaluate(MEASURE)
    on_bone = [t for t in focused["shown"] if t["id"] in bone]
    assert {t["id"] for t in on_bone} == bone and all(t["inside"] and t["px"] >= 18 for t in on_bone), on_bone
    page.screenshot(path=str(artifacts / f"meeting-bone-{lang}-{size[0]}.png"))
    field.press("Alt+k")
    expect(app).to_have_attribute("data-view", "readable")

    # Keyboard zoom, and the whole diagram on demand.
    before = page.evaluate(MEASURE)["zoom"]
    field.press("Alt+Equal")
    expect(app).to_have_attribute("data-view", "zoom")
    assert page.evaluate(MEASURE)["zoom"] == pytest.approx(before * 1.25, rel=0.01)
    field.press("Alt+Minus")
    assert page.evaluate(MEASURE)["zoom"] == pytest.approx(before, rel=0.01)
    field.press("Alt+x")
    expect(app).to_have_attribute("data-view", "whole")
    whole = page.evaluate(MEASURE)
    assert whole["hidden"] == [] and all(t["inside"] for t in whole["shown"])

    # High contrast: black text, remembered for the next meeting.
    field.press("Alt+h")
    expect(app).to_have_class("fb-app meeting contrast")
    colour = page.evaluate("() => getComputedStyle(document.querySelector('#fb-svg g.node[id^=c]:not(.fb-selected) text')).fill")
    assert colour == "rgb(0, 0, 0)"
    page.screenshot(path=str(artifacts / f"meeting-contrast-{lang}-{size[0]}.png"))
    page.reload()
    expect(page.locator("#fishbone-app")).to_have_class("fb-app meeting contrast")
    assert problems == []
