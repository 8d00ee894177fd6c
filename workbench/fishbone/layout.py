"""Classic fishbone geometry, computed from the cause tree (positions in points, y up).

The spine runs to the effect's head; category bones alternate above and below it,
slanting back from the head; each cause is a horizontal rib (its label sits on the rib)
ending at the bone; sub-causes hang from their cause's rib with a short connector.
Every label gets its own row on its bone and every bone its own column, so no two
labels overlap however many causes there are.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.dates import to_persian_digits
from workbench.fishbone.tree import EFFECT, children

if TYPE_CHECKING:
    import networkx as nx

SLANT = 0.35  # horizontal run of a bone per point of height
INDENT = 22.0  # how far a sub-cause's rib ends before its parent's
GAP = 4.0
MARGIN = 28.0
CAUSE_FONT = 11.0
CATEGORY_FONT = 13.0
EFFECT_FONT = 14.0
CHAR_WIDTH = 0.6  # of the font size: generous for Vazirmatn and Noto, Latin and Persian
LINE_HEIGHT = 1.3
ROW_PAD = 5.0
BADGE = 17.0


@dataclass
class Box:
    """A label (or badge) drawn centred at ``x, y`` with size ``w x h``."""

    key: str
    kind: str
    lines: list[str]
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    data: dict = field(default_factory=dict)

    def edges(self) -> tuple[float, float, float, float]:
        return self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2


@dataclass
class Layout:
    boxes: list[Box] = field(default_factory=list)
    lines: list[tuple[tuple[float, float], tuple[float, float], str]] = field(default_factory=list)


def wrap(text: str, width: int) -> list[str]:
    """Wrap a label into lines of at most ``width`` characters (long words are cut)."""
    return list(_wrapped(str(text), width))


@lru_cache(maxsize=10_000)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    # A meeting's drawing is made again at every change, of labels mostly drawn before: textwrap
    # was a third of the Python time of a drawing.
    return tuple(textwrap.wrap(" ".join(text.split()), width, break_long_words=True, break_on_hyphens=False) or [""])


# (line, font size, bold) -> (width, height) in points, as graphviz/pango measured them.
MEASURED: dict[tuple[str, float, bool], tuple[float, float]] = {}


def measure(lines: list[str], font: float, bold: bool = False) -> tuple[float, float]:
    """Size of a label: pango's measurement when known (see ``render.measure_lines``), else a generous estimate."""
    widths, heights = [], []
    for line in lines:
        known = MEASURED.get((line, font, bold))
        widths.append(known[0] if known else len(line) * font * CHAR_WIDTH)
        heights.append(max(known[1] if known else 0, font * LINE_HEIGHT))
    return max(widths) + 8, sum(heights) + 3


def label_lines(graph: nx.DiGraph) -> list[tuple[list[str], float, bool]]:
    """Every label's wrapped lines with their font size and weight, as the layout will draw them."""
    found = [(wrap(graph.nodes[EFFECT]["text"] or "—", 26), EFFECT_FONT, False)]
    for _node, data in graph.nodes(data=True):
        if data.get("kind") == "category":
            found.append((wrap(data["text"], 22), CATEGORY_FONT, True))
    for node, depth in ((n, d) for category in children(graph, EFFECT) for n, d in _rows(graph, category)):
        data = graph.nodes[node]
        found.append((wrap(data["text"], 30 if depth == 1 else 26), CAUSE_FONT, data["status"] == "verified"))
    return found


def _rows(graph: nx.DiGraph, category) -> list[tuple]:
    """Pre-order (node, depth) of the causes on one bone."""
    rows = []

    def walk(node, depth):
        for child in children(graph, node):
            rows.append((child, depth))
            walk(child, depth + 1)

    walk(category, 1)
    return rows


def _bone(graph: nx.DiGraph, category, top: bool) -> dict:
    """Lay one bone out relative to its foot at (0, 0): rows, ribs, connectors and its reach to the left."""
    cat_lines = wrap(graph.nodes[category]["text"], 22)
    cat_w, cat_h = measure(cat_lines, CATEGORY_FONT, bold=True)
    cat_h += 6
    rows = []
    for node, depth in _rows(graph, category):
        data = graph.nodes[node]
        lines = wrap(data["text"], 30 if depth == 1 else 26)
        w, h = measure(lines, CAUSE_FONT, bold=data["status"] == "verified")
        rows.append({"node": node, "depth": depth, "lines": lines, "w": w, "h": h, "data": data})
    # Rows outward from the spine: parents always sit above their sub-causes.
    outward = list(reversed(rows)) if top else rows
    sign = 1 if top else -1
    distance = 14.0
    for row in outward:
        band = row["h"] + ROW_PAD
        low = distance if top else -(distance + band)  # lower y edge of the band
        row["line_y"] = low + 1
        row["text_y"] = low + 2 + row["h"] / 2
        row["near"], row["far"] = distance, distance + band  # |y| range of the row's band
        distance += band
    height = distance + cat_h + 4
    bone_x = lambda y: -SLANT * abs(y)  # noqa: E731
    anchors, parts, reach = {}, {"boxes": [], "lines": []}, cat_w / 2
    by_node = {row["node"]: row for row in rows}
    for row in rows:
        node, data = row["node"], row["data"]
        parent = next(iter(graph.predecessors(node)))
        edge = bone_x(row["far"]) - GAP
        if row["depth"] == 1:
            anchor = bone_x(row["line_y"])
        else:
            anchor = min(anchors[parent] - INDENT, bone_x(row["line_y"]) - INDENT * (row["depth"] - 1))
            parent_row = by_node[parent]
            parts["lines"].append(((anchor, row["line_y"]), (anchors[parent] - INDENT, parent_row["line_y"]), "connector"))
        anchors[node] = anchor
        right = min(anchor - GAP, edge)
        left = right - row["w"]
        parts["boxes"].append(Box(f"c{data['id']}", "cause", row["lines"], (left + right) / 2, row["text_y"], row["w"], row["h"], data))
        rib_left = left
        if data.get("votes"):
            rib_left = left - BADGE - 3
            parts["boxes"].append(Box(f"v{data['id']}", "votes", [str(data["votes"])], left - BADGE / 2 - 2, row["line_y"] + BADGE / 2 - 1, BADGE, BADGE, data))
        parts["lines"].append(((rib_left, row["line_y"]), (anchor, row["line_y"]), "why" if data["is_why"] else data["status"]))
        # Measured from the bone at the row's height: neighbouring bones are parallel.
        reach = max(reach, bone_x(row["near"]) - rib_left)
    tip = (bone_x(height - cat_h), sign * (height - cat_h))
    parts["lines"].append(((0.0, 0.0), tip, "bone"))
    cat_box = Box(f"k{graph.nodes[category]['id']}", "category", cat_lines, tip[0], sign * (height - cat_h / 2), cat_w, cat_h, graph.nodes[category])
    parts["boxes"].append(cat_box)
    return {"parts": parts, "reach": reach, "right": cat_w / 2, "height": height}


def _shift(parts: dict, dx: float, layout: Layout) -> None:
    for box in parts["boxes"]:
        box.x += dx
        layout.boxes.append(box)
    for (x1, y1), (x2, y2), kind in parts["lines"]:
        layout.lines.append(((x1 + dx, y1), (x2 + dx, y2), kind))


def fishbone_layout(graph: nx.DiGraph, rtl: bool = False) -> Layout:
    """Place every label and line; ``rtl`` mirrors the fish so the head is on the left."""
    layout = Layout()
    effect_lines = wrap(graph.nodes[EFFECT]["text"] or "—", 26)
    ew, eh = measure(effect_lines, EFFECT_FONT)
    ew, eh = ew + 16, eh + 16
    layout.boxes.append(Box("effect", "effect", effect_lines, MARGIN + ew / 2, 0.0, ew, eh, graph.nodes[EFFECT]))
    categories = children(graph, EFFECT)
    sides = {True: [], False: []}
    for index, category in enumerate(categories):
        sides[index % 2 == 0].append(_bone(graph, category, top=index % 2 == 0))
    start = {True: -eh / 2 - 10, False: -eh / 2 - 10}
    if sides[True] and sides[False]:
        start[False] = start[True] - min(sides[True][0]["reach"] * 0.5, 160)
    for top, bones in sides.items():
        x = start[top]
        for index, bone in enumerate(bones):
            x -= bone["right"]
            _shift(bone["parts"], x, layout)
            if index + 1 < len(bones):
                x -= bone["reach"] + MARGIN
    tail = min([b.edges()[0] for b in layout.boxes] + [p[0] for line in layout.lines for p in line[:2]])
    layout.lines.insert(0, ((tail - 10, 0.0), (MARGIN, 0.0), "spine"))
    if rtl:
        for box in layout.boxes:
            box.x = -box.x
            if box.kind == "votes":
                box.lines = [to_persian_digits(line) for line in box.lines]
        layout.lines = [((-x1, y1), (-x2, y2), kind) for (x1, y1), (x2, y2), kind in layout.lines]
    return layout


def overlaps(layout: Layout) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes intersect (for tests and checks): none is the rule."""
    boxes = sorted(layout.boxes, key=lambda b: b.edges()[0])
    found = []
    for i, a in enumerate(boxes):
        ax1, ay1, ax2, ay2 = a.edges()
        for b in boxes[i + 1 :]:
            bx1, by1, bx2, by2 = b.edges()
            if bx1 >= ax2 - 0.01:
                break
            if by1 < ay2 - 0.01 and ay1 < by2 - 0.01:
                found.append((a.key, b.key))
    return found
