"""Figures for WeasyPrint: an SVG's lines stay SVG, its text becomes positioned HTML.

WeasyPrint draws SVG ``<text>`` letter by letter, left to right: Persian comes out
backwards and unjoined. Its HTML text goes through Pango (shaped, in logical order,
extractable), so every label is lifted out of the drawing and laid over it at the
same place and size. The graphviz fishbone and our charts go through this.
"""

import base64
import re
import xml.etree.ElementTree as ET

from markupsafe import Markup, escape

from workbench.i18n import starts_right_to_left

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)
# Vazirmatn: ascent 2100, descent 1100 per 2048 units; with line-height 1 the baseline sits 0.744 em below the top.
BASELINE_EM = 0.5 + (2100 - 1100) / 2048 / 2
_NUMBER = re.compile(r"-?[0-9.]+(?:e-?[0-9]+)?")


def _transform(value: str | None, matrix: tuple) -> tuple:
    """Compose ``matrix`` (sx, sy, tx, ty) with an SVG transform of translate/scale (rotate(0) ignored)."""
    sx, sy, tx, ty = matrix
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", value or ""):
        nums = [float(n) for n in _NUMBER.findall(args)]
        if name == "translate" and nums:
            tx, ty = tx + sx * nums[0], ty + sy * (nums[1] if len(nums) > 1 else 0)
        elif name == "scale" and nums:
            sx, sy = sx * nums[0], sy * (nums[1] if len(nums) > 1 else nums[0])
    return sx, sy, tx, ty


def _number(node, name: str, default: float = 0.0) -> float:
    found = _NUMBER.search(node.get(name) or "")
    return float(found.group()) if found else default


def figure(svg: str, width_mm: float, css_class: str = "figure") -> Markup:
    """``svg`` drawn ``width_mm`` wide, its text as HTML spans over it (Persian shaped, in logical order)."""
    root = ET.fromstring(svg)
    box = [float(v) for v in _NUMBER.findall(root.get("viewBox") or "")]
    if len(box) != 4:
        box = [0.0, 0.0, _number(root, "width", 600), _number(root, "height", 300)]
    x0, y0, vw, vh = box
    scale = width_mm / vw
    height_mm = vh * scale
    labels = []

    def walk(node, matrix):
        matrix = _transform(node.get("transform"), matrix)
        node.attrib.pop("id", None)  # the same drawing may appear twice (summary and appendix)
        for child in list(node):
            if child.tag in (f"{{{SVG}}}title", f"{{{SVG}}}desc"):
                node.remove(child)  # tooltips: WeasyPrint would print them as text
            elif child.tag == f"{{{SVG}}}text":
                labels.append(_label(child, matrix, node))
                node.remove(child)
            else:
                walk(child, matrix)

    walk(root, (1.0, 1.0, 0.0, 0.0))
    root.set("width", f"{width_mm:.2f}mm")
    root.set("height", f"{height_mm:.2f}mm")
    spans = []
    for text, x, y, size, edge, style in labels:
        if not text.strip():
            continue
        left, top, size_mm = (x - x0) * scale, (y - y0) * scale, size * scale
        if edge == "center":
            place = f"left:{left - width_mm:.2f}mm;width:{2 * width_mm:.2f}mm;text-align:center"
        elif edge == "right":
            place = f"right:{width_mm - left:.2f}mm;text-align:right"
        else:
            place = f"left:{left:.2f}mm;text-align:left"
        spans.append(
            f'<span dir="{"rtl" if starts_right_to_left(text) else "ltr"}" style="position:absolute;top:{top - BASELINE_EM * size_mm:.2f}mm;'
            f'{place};font-size:{size_mm:.2f}mm;line-height:1;white-space:nowrap;{style}">{escape(text)}</span>'
        )
    # As an image, not inline: WeasyPrint then draws each copy on its own (inline SVG lost its lines
    # on the first page once the same drawing came again in the appendix).
    data = base64.b64encode(ET.tostring(root, encoding="utf-8")).decode()
    drawing = f'<img alt="" src="data:image/svg+xml;base64,{data}" style="display:block;width:{width_mm:.2f}mm;height:{height_mm:.2f}mm">'
    return Markup(
        f'<div class="{escape(css_class)}" style="position:relative;width:{width_mm:.2f}mm;height:{height_mm:.2f}mm">'
        f"{drawing}{''.join(spans)}</div>"
    )


def _label(node, matrix, parent) -> tuple:
    """One ``<text>``: its words, page position, size, anchor and colour/weight as CSS."""
    sx, sy, tx, ty = matrix
    x, y = tx + sx * _number(node, "x"), ty + sy * _number(node, "y")
    size = _number(node, "font-size", _number(parent, "font-size", 12)) * abs(sy)
    anchor = node.get("text-anchor") or parent.get("text-anchor") or "start"
    # Which edge of the text sits at x: SVG's "start" is the right edge of right-to-left text.
    rtl = (node.get("direction") or parent.get("direction")) == "rtl"
    edge = "center" if anchor == "middle" else "left" if (anchor == "end") == rtl else "right"
    style = []
    fill = node.get("fill") or parent.get("fill")
    if fill and fill != "none" and re.fullmatch(r"#[0-9a-fA-F]{3,8}|[a-z]+", fill):
        style.append(f"color:{fill}")
    weight = node.get("font-weight") or parent.get("font-weight")
    if weight in ("bold", "700", "600") or "Bold" in (node.get("font-family") or ""):
        style.append("font-weight:700")
    text = "".join(node.itertext())
    return text, x, y, size, edge, ";".join(style)

