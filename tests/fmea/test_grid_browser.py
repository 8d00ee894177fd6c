"""The FMEA grid as a spreadsheet: structure, function, effect, failure mode and cause stay in view while
S/O/D are rated, no title breaks inside a word, no frozen cell hides its text; Persian mirrors it."""

import pytest
from playwright.sync_api import expect

from workbench.fmea import services

pytestmark = pytest.mark.browser

FROZEN = ("process_step", "function", "failure_effect", "failure_mode", "failure_cause")
# For every title: does any word run over two lines? For every frozen cell: is its text cut?
CHECK = """() => {
  const broken = [];
  for (const th of document.querySelectorAll('#fmea-table thead th[data-field]')) {
    const text = th.firstChild;
    if (!text || text.nodeType !== 3) continue;
    let at = 0;
    for (const word of text.data.split(/\\s+/)) {
      const start = text.data.indexOf(word, at); at = start + word.length;
      if (!word) continue;
      const range = document.createRange(); range.setStart(text, start); range.setEnd(text, start + word.length);
      const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(th.dataset.field + ': ' + word);
    }
  }
  const cut = [];
  for (const td of document.querySelectorAll('#fmea-table tbody td[data-field]')) {
    if (td.scrollWidth > td.clientWidth + 1 || td.scrollHeight > td.clientHeight + 1) cut.push(td.dataset.field);
  }
  return {broken, cut};
}"""


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_frozen_columns_stay_in_view_and_titles_do_not_break(page, team_project, db, artifacts, lang):
    project, leader, _ = team_project
    leader.locale = lang
    for n in range(3):
        services.create_row(project, {
            "process_step": f"Dispatch {n}", "function": "Hand the order to the courier on the promised day",
            "failure_effect": "Customer waits; calls the hotline twice", "severity": 6,
            "failure_mode": "Order leaves a day late", "failure_cause": "Pick list printed after the cut-off time",
            "occurrence": 5, "detection": 7})
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/login")
    page.fill("input[name=email]", leader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.id}/fmea")
    expect(page.locator("#fmea-table tbody tr")).to_have_count(3)
    found = page.evaluate(CHECK)
    assert found["broken"] == [] and found["cut"] == [], found

    scroller = page.locator(".fmea-scroll")
    page.evaluate("() => { const s = document.querySelector('.fmea-scroll'); s.scrollLeft = (document.dir === 'rtl' ? -1 : 1) * s.scrollWidth; }")
    box = scroller.bounding_box()
    first = page.locator("#fmea-table tbody tr").first
    for field in FROZEN:
        cell = first.locator(f'td[data-field="{field}"]').bounding_box()
        assert box["x"] - 1 <= cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1, field
    # The detection rating scrolled into view beside them, not hidden under them.
    rating = first.locator('td[data-field="detection"]')
    rating.click()
    expect(page.locator("#fmea-scale")).to_be_visible()
    page.screenshot(path=str(artifacts / f"fmea-grid-{lang}.png"))
    page.keyboard.press("Escape")

    page.uncheck("#fmea-freeze")  # a narrow screen: the columns scroll again, and it is remembered
    page.reload()
    expect(page.locator("#fmea-freeze")).not_to_be_checked()
    assert "frozen" not in (page.get_attribute("#fmea-table", "class") or "")
