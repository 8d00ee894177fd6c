"""The server-drawn charts: dates spaced by elapsed time, mirrored for right-to-left pages, gaps where nothing was measured."""

import re
from datetime import date

from workbench import charts

MONTHS = ["2012-08", "2020-08", "2023-02"]


def test_months_years_apart_are_spaced_by_time_not_as_categories():
    days = [charts.month_start(m) for m in MONTHS]
    axis = charts.TimeAxis(days[0], days[-1], 0, 1000)
    xs = [axis.x(d) for d in days]
    assert xs[0] == 0 and xs[-1] == 1000
    # 2012-08 → 2020-08 is 2,922 days, 2020-08 → 2023-02 is 914: the gaps keep that ratio (not 1:1).
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[1]) - (days[1] - days[0]).days / (days[2] - days[1]).days) < 1e-9
    assert round(xs[1]) == round(1000 * 2922 / 3836)


def test_the_axis_runs_right_to_left_on_persian_pages():
    start, end = date(2012, 8, 1), date(2023, 2, 1)
    ltr, rtl = charts.TimeAxis(start, end, 40, 640), charts.TimeAxis(start, end, 40, 640, rtl=True)
    for day in (start, date(2020, 8, 1), end):
        assert rtl.x(day) == 680 - ltr.x(day)
    assert rtl.x(start) > rtl.x(end)


def test_ticks_are_month_starts_few_enough_to_read():
    axis = charts.TimeAxis(date(2012, 8, 1), date(2023, 2, 1), 0, 600)
    ticks = axis.ticks()
    assert 3 <= len(ticks) <= 8 and all(t.day == 1 and t.month == 1 for t in ticks)  # whole years over a decade
    monthly = charts.TimeAxis(date(2025, 3, 1), date(2026, 2, 28), 0, 600).ticks()
    assert monthly[0] == date(2025, 3, 1) and all(t.day == 1 for t in monthly) and len(monthly) <= 8


def test_time_series_places_points_by_date_and_leaves_gaps():
    points = [(charts.month_start(m), v) for m, v in zip(MONTHS, (5, None, 9), strict=True)]
    svg = charts.time_series(points, label="Complaints", start=points[0][0], end=points[-1][0], width=1000)
    xs = [float(x) for x in re.findall(r'<circle class="point" data-date="[^"]+" cx="([0-9.]+)"', svg)]
    assert len(xs) == 2  # the month without a value has no point and no line through it
    assert "<polyline" not in svg
    spaced = charts.time_series([(d, 1) for d, _v in points], label="x", start=points[0][0], end=points[-1][0], width=1000)
    xs = [float(x) for x in re.findall(r'cx="([0-9.]+)"', spaced)]
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[1]) - 2922 / 914) < 0.01


def test_persian_labels_use_persian_digits_and_the_jalali_month():
    from workbench.dates import to_persian_digits

    points = [(date(2025, 3, 21), 3.0), (date(2026, 3, 1), 7.0)]
    svg = charts.time_series(points, label="شکایت", start=date(2025, 3, 1), end=date(2026, 3, 1), rtl=True,
                             jalali=True, digits=to_persian_digits)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts and not any(re.search(r"[0-9]", t) for t in texts)
    assert "۱۴۰۴/۰۱" in texts  # 2025-03-21 starts Farvardin 1404


def test_user_text_in_a_chart_is_escaped():
    svg = charts.bars([("<script>alert(1)</script> & Co", 3)], label="a & b")
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg


def test_the_complaint_trend_spaces_its_months_by_time():
    from workbench.complaint_import.charts import trend_svg

    svg = trend_svg(MONTHS, {"service": [3, 8, 5]}, {"service": "Service"}, "Complaints per month")
    xs = [float(x) for x in re.findall(r'<circle class="point" data-month="[^"]+" cx="([0-9.]+)"', svg)]
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[1]) - 2922 / 914) < 0.01
    assert "<polyline" not in svg  # years apart: points, no line pretending to know the months between
    mirrored = trend_svg(MONTHS, {"service": [3, 8, 5]}, {"service": "خدمات"}, "شکایت", rtl=True)
    xs = [float(x) for x in re.findall(r'cx="([0-9.]+)"', mirrored)]
    assert xs == sorted(xs, reverse=True)


def test_every_chart_is_well_formed_xml():
    import xml.etree.ElementTree as ET

    points = [(charts.month_start(m), v) for m, v in zip(MONTHS, (5, 2, 9), strict=True)]
    for svg in (charts.time_series(points, label="x", start=points[0][0], end=points[-1][0], markers=[(points[1][0], "Closed")]),
                charts.time_series(points, label="x", start=points[0][0], end=points[-1][0], rtl=True, percent=True),
                charts.bars([("a", 1), ("ب", 2)], label="x", rtl=True),
                charts.stacked_bars([("a", [1, 2])], ["one", "two"], label="x")):
        ET.fromstring(svg)  # the PDF export parses them
