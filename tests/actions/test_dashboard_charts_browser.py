"""The leadership dashboard's charts in a browser at 1280×720, in English and Persian."""

import re
from datetime import UTC, date, datetime

import pytest

from workbench.actions.models import CorrectiveAction
from workbench.complaint_import.models import Complaint

pytestmark = pytest.mark.browser

# Complaints per month (the clock stands at 2026-03-10): an uneven history with an empty stretch.
COMPLAINTS = {date(2024, 5, 3): 4, date(2024, 6, 9): 7, date(2025, 1, 20): 12, date(2025, 9, 2): 9, date(2026, 2, 14): 3}


@pytest.fixture
def portfolio(client, login, setup, add_action, make_project, db):
    login(setup["leader"])
    late = add_action(setup["project"], setup["member"], title="Review the dispatch plan", due="2026-01-05")
    add_action(setup["project"], setup["member"], title="Train the warehouse staff", due="2026-03-01")
    done = add_action(setup["project"], setup["member"], title="Add a weekend shift", due="2025-12-10")
    slow = add_action(setup["project"], setup["member"], title="Call the carrier", due="2026-02-01")
    for action_id, finished in ((done["id"], date(2025, 12, 5)), (slow["id"], date(2026, 2, 10))):
        action = db.session.get(CorrectiveAction, action_id)
        action.status, action.completed_on = "done", finished
    setup["project"].started_on = date(2025, 11, 1)
    closed = make_project(team=setup["team"], title="Wrong invoices")
    closed.started_on, closed.stage = date(2025, 6, 1), "closed"
    closed.closed_at = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
    for day, count in COMPLAINTS.items():
        for n in range(count):
            db.session.add(Complaint(source="shop", external_id=f"{day}-{n}", received_at=day, text="Late delivery",
                                     text_norm="late delivery", channel="web"))
    db.session.commit()
    return {"late": late}


def _open_dashboard(page, page_login, user, locale, db):
    user.locale = locale
    db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 720})
    page_login(user)
    page.goto("/dashboard")


def _tick_xs(page, chart: str) -> list[float]:
    return page.eval_on_selector_all(f"#chart-{chart} svg line.tick", "ls => ls.map(l => l.getBoundingClientRect().x)")


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_dashboard_charts_on_a_projector(page, page_login, setup, portfolio, db, artifacts, locale):
    _open_dashboard(page, page_login, setup["viewer"], locale, db)
    for chart in ("by_stage", "overdue", "on_time", "complaints"):
        assert page.locator(f"#chart-{chart} svg.chart").count() == 1, chart
        box = page.locator(f"#chart-{chart} svg.chart").bounding_box()
        assert box["width"] > 400 and box["x"] >= 0 and box["x"] + box["width"] <= 1280  # two charts a row, no sideways scroll
    # Time runs left to right in English and right to left in Persian, dates spaced by time.
    ticks = _tick_xs(page, "complaints")
    assert len(ticks) >= 3
    assert ticks == sorted(ticks) if locale == "en" else ticks == sorted(ticks, reverse=True)
    points = page.eval_on_selector_all("#chart-complaints circle.point",
                                       "cs => cs.map(c => [c.dataset.date, c.getBoundingClientRect().x])")
    where = dict(points)
    gap_long = abs(where["2025-01-01"] - where["2024-06-01"])  # seven months
    gap_short = abs(where["2025-02-01"] - where["2025-01-01"])  # one month
    assert 6 < gap_long / gap_short < 8
    # The closed project is marked on the complaint trend.
    assert page.locator("#chart-complaints line.marker").count() == 1
    # Overdue by age: one action 9 days late (due 2026-03-01) and one 64 days (due 2026-01-05).
    totals = page.eval_on_selector_all("#chart-overdue text.total", "ts => ts.map(t => t.textContent)")
    assert totals == (["1", "0", "1", "0"] if locale == "en" else ["۱", "۰", "۱", "۰"])
    texts = page.eval_on_selector_all("section.charts svg text", "ts => ts.map(t => t.textContent)")
    if locale == "fa":
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert not [t for t in texts if re.search(r"[0-9]", t)]  # Persian digits in every label
        # Bars grow from the right: the stage bars' right edges line up.
        rights = page.eval_on_selector_all("#chart-by_stage rect.bar", "rs => rs.map(r => r.getBoundingClientRect().right)")
        assert rights and max(rights) - min(rights) > 0 or len(rights) == 1
        first_bar = page.locator("#chart-by_stage rect.bar").first.bounding_box()
        svg = page.locator("#chart-by_stage svg").bounding_box()
        assert first_bar["x"] + first_bar["width"] > svg["x"] + svg["width"] / 2
    page.screenshot(path=str(artifacts / f"dashboard-charts-{locale}.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert page.locator("#chart-complaints svg").is_visible()
    page.screenshot(path=str(artifacts / f"dashboard-charts-print-{locale}.png"), full_page=True)


def test_nothing_measured_yet_shows_a_dash(page, page_login, setup, db):
    setup["project"].started_on = date(2026, 1, 5)
    _open_dashboard(page, page_login, setup["viewer"], "en", db)
    for chart in ("by_stage", "overdue", "on_time", "complaints"):
        assert page.locator(f"#chart-{chart} svg").count() == (1 if chart == "by_stage" else 0)
    assert page.locator("#chart-on_time .empty").inner_text().startswith("—")
    cards = page.locator(".figures .card", has_text="On time")
    assert cards.locator(".stat").inner_text() == "—"
    assert "0.0%" not in page.locator("main").inner_text()
