"""Charts drawn on the server as SVG: Pareto (sorted bars, cumulative line, 80% marker) and monthly trends."""

from xml.sax.saxutils import escape

from workbench import charts

PALETTE = ("#1f5fbf", "#d92d20", "#12b76a", "#f79009", "#7a5af8", "#0e9384", "#c11574")
FONT = "Vazirmatn, 'Noto Sans', sans-serif"


def _nice_step(peak: float, ticks: int = 4) -> int:
    """A round tick step (1, 2, 5 × 10^k) so that ``ticks`` steps cover ``peak``."""
    raw = max(peak / ticks, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _text(x, y, content, size=12, anchor="middle", extra="") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {extra}>{escape(str(content))}</text>'


def pareto_svg(bars: list[dict], names: dict[str, str], title: str, cumulative_label: str = "cumulative %", links: dict[str, str] | None = None,
               rtl: bool = False, digits=str) -> str:
    """A Pareto chart of ``[{"key", "count", "cumulative_pct"}]`` (already sorted, most first); ``links``: key → URL of a bar.

    ``rtl`` mirrors it for Persian pages: the biggest bar on the right, counts on the right-hand axis and the
    cumulative percentage on the left; ``digits`` writes the numbers (Persian digits on Persian pages).
    """
    width, height = 900, 440
    left, right, top, bottom = 60, 60, 40, 120
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" role="img">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        _text(width / 2, 22, title, 16, extra='font-weight="700"' + (' direction="rtl"' if rtl else "")),
    ]
    if not bars:
        parts.append(_text(width / 2, height / 2, "—", 14))
        return "".join(parts) + "</svg>"

    def across(x: float) -> float:
        """Left-to-right position ``x`` on this chart: the same, or mirrored inside the plot when ``rtl``."""
        return 2 * left + plot_w - x if rtl else x

    peak = _nice_step(max(b["count"] for b in bars)) * 4
    step = plot_w / len(bars)
    bar_w = step * 0.7
    count_x, count_anchor = (left + plot_w + 6, "start") if rtl else (left - 6, "end")
    percent_x, percent_anchor = (left - 6, "end") if rtl else (left + plot_w + 6, "start")
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e4e8ef"/>')
        parts.append(_text(count_x, y + 4, digits(str(round(peak * (4 - i) / 4))), 11, count_anchor))
        parts.append(_text(percent_x, y + 4, digits(f"{100 * (4 - i) // 4}%"), 11, percent_anchor))
    points = []
    for i, bar in enumerate(bars):
        cx = across(left + i * step + step / 2)
        x = cx - bar_w / 2
        h = plot_h * bar["count"] / peak
        y = top + plot_h - h
        label = names.get(bar["key"], bar["key"])
        rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[0]}" class="bar">'
                f'<title>{escape(label)}: {digits(str(bar["count"]))}</title></rect>')
        if links and bar["key"] in links:
            rect = f'<a href="{escape(links[bar["key"]], {chr(34): "&quot;"})}">{rect}</a>'
        parts.append(rect)
        parts.append(_text(cx, y - 4, digits(str(bar["count"])), 11))
        base = top + plot_h + 14
        turn = f'transform="rotate({35 if rtl else -35} {cx:.1f} {base:.1f})"'
        parts.append(_text(cx, base, label[:28], 11, "start" if rtl else "end", turn))
        points.append(f"{cx:.1f},{top + plot_h * (1 - bar['cumulative_pct'] / 100):.1f}")
    y80 = top + plot_h * 0.2
    parts.append(f'<line x1="{left}" y1="{y80:.1f}" x2="{left + plot_w}" y2="{y80:.1f}" stroke="#b54708" stroke-dasharray="6 4" class="marker-80"/>')
    parts.append(_text(across(left + plot_w - 4), y80 - 5, digits("80%"), 11, "start" if rtl else "end", 'fill="#b54708"'))
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[1]}" stroke-width="2.5" class="cumulative"/>')
    for point in points:
        x, y = point.split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{PALETTE[1]}"/>')
    parts.append(_text(across(left + plot_w), height - 8, cumulative_label, 11, "start" if rtl else "end", f'fill="{PALETTE[1]}"'))
    return "".join(parts) + "</svg>"


def trend_svg(months: list[str], series: dict[str, list[int]], names: dict[str, str], title: str,
              rtl: bool = False, jalali: bool = False, digits=str) -> str:
    """Monthly counts, one line per key, on a true time axis: months are placed by date, so 2012-08, 2020-08
    and 2023-02 are as far apart as the years between them; a line breaks over months with no complaints.
    ``rtl`` mirrors the chart (time runs right to left, legend on the left); ``digits`` writes the numbers."""
    width, height = 900, 360
    left, right, top, bottom = (180, 50, 40, 50) if rtl else (50, 180, 40, 50)
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" direction="ltr" role="img">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        _text(width / 2, 22, title, 16, extra='font-weight="700"' + (' direction="rtl"' if rtl else "")),
    ]
    if not months or not series:
        return "".join(parts) + _text(width / 2, height / 2, "—", 14) + "</svg>"
    days = [charts.month_start(m) for m in months]
    axis = charts.TimeAxis(days[0], days[-1], left, left + plot_w, rtl)
    peak = _nice_step(max(max(v) for v in series.values())) * 4
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e4e8ef"/>')
        value = digits(str(round(peak * (4 - i) / 4)))
        parts.append(_text(left + plot_w + 6, y + 4, value, 11, "start") if rtl else _text(left - 6, y + 4, value, 11, "end"))
    for tick in axis.ticks(jalali=jalali) if len(days) > 1 else days:
        x = axis.x(tick)
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" stroke="#5b6575"/>')
        parts.append(_text(x, top + plot_h + 18, digits(charts.month_label(tick, jalali)), 10))
    for n, (key, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(axis.x(day), top + plot_h * (1 - v / peak), day) for day, v in zip(days, values, strict=True)]
        run = [points[0]]
        for point in points[1:] + [None]:
            if point is None or charts.add_months(run[-1][2], 1) != point[2]:
                if len(run) > 1:
                    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _d in run)
                    parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
                run = []
            if point is not None:
                run.append(point)
        for x, y, day in points:
            parts.append(f'<circle class="point" data-month="{day:%Y-%m}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 + n * 20
        box_x = 14 if rtl else left + plot_w + 14
        parts.append(f'<rect x="{box_x}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(box_x + 18, ly + 1, names.get(key, key)[:22], 12, "start", ' direction="ltr"'))
    return "".join(parts) + "</svg>"
