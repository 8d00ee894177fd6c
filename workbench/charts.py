"""SVG charts drawn on the server: a true time axis, time series with markers, bars and stacked bars.

No script and no CDN: each chart is one ``<svg>`` string. ``rtl`` mirrors a chart for Persian
(time runs right to left, bars grow from the right, the value axis stands on the right); labels
are given already translated, and ``digits`` turns every number and date into the page's digits.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import jdatetime

from workbench import dates
from workbench.i18n import starts_right_to_left

FONT = "Vazirmatn, 'Noto Sans', sans-serif"
INK, MUTED, GRID = "#1d2430", "#5b6575", "#e4e8ef"
PALETTE = ("#1f5fbf", "#12b76a", "#f79009", "#7a5af8", "#0e9384", "#c11574", "#d92d20")


def month_start(text: str) -> date:
    """``"2023-02"`` as the first day of that month."""
    year, month = text.split("-")[:2]
    return date(int(year), int(month), 1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class TimeAxis:
    """Dates placed by elapsed time between ``x0`` and ``x1``: equal days take equal space, whatever lies between."""

    start: date
    end: date
    x0: float
    x1: float
    rtl: bool = False

    def x(self, day: date) -> float:
        """Horizontal position of ``day`` (mirrored when ``rtl``)."""
        span = max((self.end - self.start).days, 1)
        share = (day - self.start).days / span
        return self.x1 - share * (self.x1 - self.x0) if self.rtl else self.x0 + share * (self.x1 - self.x0)

    def ticks(self, most: int = 8, jalali: bool = False) -> list[date]:
        """Month starts to label (Jalali months when ``jalali``): every 1, 2, 3, 6 or 12 months, or whole years, at most ``most``."""
        to_month = _jalali_month if jalali else (lambda d: (d.year, d.month, d.day))
        y0, m0, d0 = to_month(self.start)
        y1, m1, _d1 = to_month(self.end)
        months = (y1 - y0) * 12 + m1 - m0 + 1
        step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= most), 120)
        index = y0 * 12 + m0 - 1 + (d0 != 1)  # the first whole month
        index += (-index) % min(step, 12) if step > 1 else 0  # on a multiple of the step (January for years)
        if step > 12:
            index += (-(index // 12)) % (step // 12) * 12
        found = []
        while True:
            year, month = divmod(index, 12)
            day = _gregorian(year, month + 1, jalali)
            if day > self.end:
                return found
            found.append(day)
            index += step


def _jalali_month(day: date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month, j.day


def _gregorian(year: int, month: int, jalali: bool) -> date:
    return jdatetime.date(year, month, 1).togregorian() if jalali else date(year, month, 1)


def month_label(day: date, jalali: bool) -> str:
    """A tick's text: ``2023-02`` (Gregorian) or ``1401/11`` (the Jalali month it starts in)."""
    return dates.jalali_text(day)[:7] if jalali else day.strftime("%Y-%m")


def nice_top(peak: float, ticks: int = 4) -> float:
    """A round top for the value axis (1, 2, 2.5, 5 × 10^k per tick) at or above ``peak``."""
    if peak <= 0:
        return ticks
    raw, magnitude = peak / ticks, 1.0
    while magnitude * 10 <= raw:
        magnitude *= 10
    while magnitude > raw:
        magnitude /= 10
    step = next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw)
    return step * ticks


def _t(x: float, y: float, content, size: int = 13, anchor: str = "middle", extra: str = "") -> str:
    """A label whose ``anchor`` is physical (start = left edge); Persian text gets its own right-to-left direction."""
    text = str(content)
    if starts_right_to_left(text):
        # Inside a right-to-left text "start" is the right edge: swap, so the label stays where it was placed.
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        extra += ' direction="rtl"'
    fill = "" if "fill=" in extra else f' fill="{INK}"'
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{fill} {extra}>{escape(text)}</text>'


def _open(width: int, height: int, label: str, css_class: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="{FONT}" direction="ltr" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}">',
            f"<title>{escape(label)}</title>"]


def _value_axis(parts: list, top_value: float, left: float, right: float, top: float, bottom: float, rtl: bool,
                fmt: Callable[[float], str]) -> None:
    """Four grid lines with their values, on the left (on the right when ``rtl``)."""
    for i in range(5):
        y = bottom - (bottom - top) * i / 4
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_t(right + 6 if rtl else left - 6, y + 4, fmt(top_value * i / 4), 12, "start" if rtl else "end", f'fill="{MUTED}"'))


def time_series(points: Sequence[tuple[date, float | None]], *, label: str, start: date, end: date, rtl: bool = False,
                jalali: bool = False, digits: Callable[[str], str] = str, percent: bool = False,
                markers: Sequence[tuple[date, str]] = (), colour: str = PALETTE[0], css_class: str = "trend",
                width: int = 560, height: int = 240) -> str:
    """A line over a true time axis; ``None`` values leave a gap; ``markers`` are dashed vertical lines (e.g. closures)."""
    left, right, top, bottom = (28, width - 56, 16, height - 36) if rtl else (56, width - 28, 16, height - 36)
    axis = TimeAxis(start, end, left, right, rtl)
    measured = [v for _d, v in points if v is not None]
    top_value = 100.0 if percent else nice_top(max(measured, default=0))
    fmt = (lambda v: digits(f"{v:.0f}%")) if percent else (lambda v: digits(f"{v:g}"))
    parts = _open(width, height, label, css_class)
    _value_axis(parts, top_value, left, right, top, bottom, rtl, fmt)
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{MUTED}"/>')
    for tick in axis.ticks(jalali=jalali):
        x = axis.x(tick)
        parts.append(f'<line class="tick" data-date="{tick.isoformat()}" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{MUTED}"/>')
        parts.append(_t(x, bottom + 18, digits(month_label(tick, jalali)), 12, extra=f'fill="{MUTED}"'))
    for day, text in markers:
        x = axis.x(day)
        parts.append(f'<line class="marker" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#b42318" '
                     f'stroke-dasharray="4 3"><title>{escape(text)}</title></line>')
        parts.append(f'<path class="marker-flag" d="M{x:.1f},{top} l{-6 if rtl else 6},3 l{6 if rtl else -6},3 z" fill="#b42318">'
                     f"<title>{escape(text)}</title></path>")

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * min(value / top_value, 1)

    run: list[str] = []
    for day, value in [*points, (None, None)]:
        if value is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            run = []
            continue
        run.append(f"{axis.x(day):.1f},{y_of(value):.1f}")
    for day, value in points:
        if value is not None:
            shown = digits(f"{value:.0f}%" if percent else f"{value:g}")
            parts.append(f'<circle class="point" data-date="{day.isoformat()}" cx="{axis.x(day):.1f}" cy="{y_of(value):.1f}" r="3" '
                         f'fill="{colour}"><title>{escape(digits(month_label(day, jalali)))}: {escape(shown)}</title></circle>')
    return "".join(parts) + "</svg>"


def bars(items: Sequence[tuple[str, float]], *, label: str, rtl: bool = False, digits: Callable[[str], str] = str,
         colours: Sequence[str] = PALETTE, css_class: str = "bars", width: int = 560, row: int = 32) -> str:
    """Horizontal bars, one per ``(name, value)``, the value written at the bar's end."""
    return stacked_bars([(name, [value]) for name, value in items], [label], label=label, rtl=rtl, digits=digits,
                        colours=colours, css_class=css_class, width=width, row=row, legend=False, colour_rows=True)


def stacked_bars(items: Sequence[tuple[str, Sequence[float]]], parts_names: Sequence[str], *, label: str, rtl: bool = False,
                 digits: Callable[[str], str] = str, colours: Sequence[str] = PALETTE, css_class: str = "stacked",
                 width: int = 560, row: int = 32, legend: bool = True, colour_rows: bool = False) -> str:
    """Horizontal bars made of parts (e.g. projects of one owner by stage), with the total at the end and a legend."""
    name_w, value_w = 130, 40
    top = 30 if legend else 8
    height = top + row * max(len(items), 1) + 8
    bar_x0, bar_x1 = (value_w, width - name_w) if rtl else (name_w, width - value_w)
    peak = max((sum(values) for _n, values in items), default=0) or 1
    out = _open(width, height, label, css_class)
    if legend:
        x = width - 8 if rtl else 8
        for i, name in enumerate(parts_names):
            colour = colours[i % len(colours)]
            box = x - 10 if rtl else x
            out.append(f'<rect x="{box:.1f}" y="8" width="10" height="10" fill="{colour}"/>')
            out.append(_t(x - 14 if rtl else x + 14, 18, name, 12, "end" if rtl else "start"))
            x += -(26 + 7 * len(name)) if rtl else 26 + 7 * len(name)
    for r, (name, values) in enumerate(items):
        y = top + r * row
        out.append(_t(width - 6 if rtl else name_w - 8, y + row / 2 + 4, name[:24], 13, "end"))
        position = 0.0
        for i, value in enumerate(values):
            if not value:
                continue
            w = (bar_x1 - bar_x0) * value / peak
            x = bar_x1 - position - w if rtl else bar_x0 + position
            colour = colours[(r if colour_rows else i) % len(colours)]
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y + 5:.1f}" width="{w:.1f}" height="{row - 10:.1f}" fill="{colour}">'
                       f"<title>{escape(name)} · {escape(parts_names[i])}: {escape(digits(f'{value:g}'))}</title></rect>")
            position += w
        total = sum(values)
        end_x = bar_x1 - position - 6 if rtl else bar_x0 + position + 6
        out.append(_t(end_x, y + row / 2 + 4, digits(f"{total:g}"), 13, "end" if rtl else "start", 'class="total"'))
    return "".join(out) + "</svg>"
