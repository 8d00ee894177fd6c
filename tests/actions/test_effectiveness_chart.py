"""The effectiveness chart reads in the page's direction: "before" on the left in English, on the right in Persian."""

import re
from datetime import date

import pytest
from flask_babel import refresh

from workbench.actions import effectiveness
from workbench.actions.models import EffectivenessCheck


@pytest.mark.parametrize("lang, before, after", [("en", "Before", "After"), ("fa", "پیش از اقدام", "پس از اقدام")])
def test_before_and_after_follow_the_reading_direction(app, setup, lang, before, after):
    check = EffectivenessCheck(project_id=setup["project"].id, actions_on=date(2026, 1, 1), check_date=date(2026, 3, 1))
    with app.test_request_context(f"/?lang={lang}"):
        svg = effectiveness.chart_svg(check)
    labels = {text.split(" (")[0]: float(x) for x, text in re.findall(r'<text x="([0-9.]+)"[^>]*>([^<]*)</text>', svg)}
    assert (labels[before] < labels[after]) == (lang == "en")
    bars = [float(x) for x in re.findall(r'<rect x="([0-9.]+)"', svg)]
    assert bars == (sorted(bars) if lang == "en" else sorted(bars, reverse=True))  # time runs with the reading


def test_a_bars_tooltip_gives_its_period_in_the_pages_calendar(app, setup):
    check = EffectivenessCheck(project_id=setup["project"].id, actions_on=date(2026, 1, 1), check_date=date(2026, 3, 1))
    with app.test_request_context("/?lang=fa"):
        svg = effectiveness.chart_svg(check)
    tips = re.findall(r"<title>([^<]*)</title>", svg)
    assert tips and not [t for t in tips if re.search(r"[0-9]", t)]  # no 2025-11-01 – 2025-11-08: 0 on a Persian page
    (start, _end), _after = effectiveness.windows(check)
    assert start == date(2025, 11, 3) and tips[0].startswith("۱۴۰۴/۰۸/۱۲ – ")  # the first bar's week, Jalali
    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is kept on the app context the test shares
        assert "<title>2025-11-03 – " in effectiveness.chart_svg(check)
