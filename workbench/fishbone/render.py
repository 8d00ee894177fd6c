"""Draw the fishbone with graphviz (neato -n2 on positions from ``layout``): SVG, PNG and PDF."""

import atexit
import html
import os
import re
import select
import subprocess
import threading
import time
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _

from workbench.fishbone import layout as geometry
from workbench.fishbone import tree, voting
from workbench.i18n import starts_right_to_left

FONTS_CONF = Path(__file__).resolve().parent / "fonts" / "fonts.conf"
FONT = "Vazirmatn"
SVG_FONT_STACK = "Vazirmatn,'Noto Sans Arabic','Noto Sans',Tahoma,sans-serif"
FORMATS = {"svg": "svg", "png": "png:cairo", "pdf": "pdf:cairo", "plain": "plain"}
# Landscape paper in inches: the whole fish is scaled onto one page.
PAPERS = {"a4": (297 / 25.4, 210 / 25.4), "a3": (420 / 25.4, 297 / 25.4)}
INK = "#1d2430"
# Each kind of line: colour, width in points, dashed.
LINES = {
    "spine": ("#14213d", 4, False),
    "bone": ("#14213d", 2.2, False),
    "connector": ("#5b6575", 0.9, False),
    "open": ("#5b6575", 1, False),
    "suspected": ("#b54708", 1.6, False),
    "verified": ("#b42318", 2.6, False),
    "why": ("#5b6575", 1, True),
}
STYLE = {kind: f'color="{colour}", penwidth={width}' + (", style=dashed" if dashed else "")
         for kind, (colour, width, dashed) in LINES.items()}


class RenderError(RuntimeError):
    """graphviz failed (missing binary or bad input)."""


def quote(text: str) -> str:
    """A DOT double-quoted string that graphviz shows literally (never an HTML label, no escapes)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


def _label(lines: list[str]) -> str:
    # Lines are joined with graphviz's own centred line break after each line was quoted.
    return "\\n".join(quote(line)[1:-1] for line in lines)


def _node(box: geometry.Box) -> str:
    pos = f'pos="{box.x:.1f},{box.y:.1f}!", width={box.w / 72:.3f}, height={box.h / 72:.3f}'
    label = '"' + _label(box.lines) + '"'
    if box.kind == "effect":
        style = f'shape=box, style="rounded,filled,bold", fillcolor="#14213d", fontcolor="#ffffff", color="#14213d", fontsize={geometry.EFFECT_FONT}'
    elif box.kind == "category":
        style = f'shape=box, style="rounded,filled", fillcolor="#e0eaff", color="#1f5fbf", fontcolor="#14213d", fontsize={geometry.CATEGORY_FONT}, fontname="{FONT} Bold"'
    elif box.kind == "legend":
        style = 'shape=none, fontsize=10, fontcolor="#5b6575"'
    elif box.kind == "votes":
        style = 'shape=circle, style=filled, fillcolor="#fca311", color="#b54708", fontcolor="#14213d", fontsize=11, fixedsize=true'
    else:
        status = box.data.get("status")
        colour = {"verified": "#b42318", "suspected": "#b54708"}.get(status, INK)
        font = f"{FONT} Bold" if status == "verified" else FONT
        style = f'shape=none, fontcolor="{colour}", fontsize={geometry.CAUSE_FONT}, fontname="{font}"'
    return f'{box.key} [{pos}, label={label}, id="{box.key}", fixedsize=true, {style}];'


def _paper_frame(boxes: list[geometry.Box], lines: list, paper: str) -> list[str]:
    """Two invisible corners that give the drawing the paper's proportions, so it fills one page exactly."""
    width, height = PAPERS[paper]
    xs = [v for b in boxes for v in (b.edges()[0], b.edges()[2])] + [p[0] for line in lines for p in line[:2]]
    ys = [v for b in boxes for v in (b.edges()[1], b.edges()[3])]
    x1, x2, y1, y2 = min(xs), max(xs), min(ys), max(ys)
    w, h = (x2 - x1) * 1.08 + 48, (y2 - y1) * 1.08 + 48  # a printer-safe white margin
    if w / h < width / height:
        w = h * width / height
    else:
        h = w * height / width
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return [
        f'graph [size="{width:.4f},{height:.4f}!", pad=0, margin=0];',
        f'frame1 [shape=point, width=0.01, style=invis, pos="{cx - w / 2:.1f},{cy - h / 2:.1f}!"];',
        f'frame2 [shape=point, width=0.01, style=invis, pos="{cx + w / 2:.1f},{cy + h / 2:.1f}!"];',
    ]


def _legend_box(layout: geometry.Layout, legend: list[str]) -> geometry.Box:
    text = "   ·   ".join(legend)
    w, h = geometry.measure([text], 10)
    left = min((b.edges()[0] for b in layout.boxes), default=0)
    right = max((b.edges()[2] for b in layout.boxes), default=0)
    bottom = min((b.edges()[1] for b in layout.boxes), default=0) - 24
    return geometry.Box("legend", "legend", [text], (left + right) / 2, bottom, w, h)


def to_dot(layout: geometry.Layout, legend: list[str] | None = None, paper: str | None = None, lines: bool = True) -> str:
    """The DOT source: every label pinned, every line an edge between two pinned points.

    Without ``lines`` (an SVG: ``_with_lines`` writes them in afterwards), two points at the corners
    of the lines' extent frame the drawing as the lines would.
    """
    out = [
        "digraph fishbone {",
        f'graph [splines=line, outputorder=edgesfirst, pad=0.3, bgcolor="white", fontname="{FONT}"];',
        f'node [fontname="{FONT}", margin=0, penwidth=1.2];',
        "edge [dir=none, arrowhead=none];",
    ]
    boxes = list(layout.boxes) + ([_legend_box(layout, legend)] if legend else [])
    for box in boxes:
        out.append(_node(box))
    for index, ((x1, y1), (x2, y2), kind) in enumerate(layout.lines if lines else ()):
        out.append(f'p{index}a [shape=point, width=0.01, style=invis, pos="{x1:.1f},{y1:.1f}!"];')
        out.append(f'p{index}b [shape=point, width=0.01, style=invis, pos="{x2:.1f},{y2:.1f}!"];')
        out.append(f"p{index}a -> p{index}b [{STYLE[kind]}];")
    if not lines and layout.lines:
        # Drawn (transparent) so the SVG tells where graphviz put them: _with_lines takes them out again.
        for name, (x, y) in zip(_CORNERS, _lines_extent(layout.lines), strict=True):
            out.append(f'{name} [shape=point, width=0.01, color=transparent, id="{name}", pos="{x:.1f},{y:.1f}!"];')
    if paper in PAPERS and boxes:
        out.extend(_paper_frame(boxes, layout.lines, paper))
    out.append("}")
    return "\n".join(out)


_CORNERS = ("lines_corner_a", "lines_corner_b")
_CORNER = re.compile(rb'<g id="(lines_corner_[ab])" class="node">\n<title>[^<]*</title>\n'
                     rb'<ellipse [^>]*cx="(-?[0-9.]+)" cy="(-?[0-9.]+)"[^>]*/>\n</g>\n')
_BACKGROUND = re.compile(rb'(<g id="graph0" class="graph"[^>]*>\n<title>[^<]*</title>\n<polygon [^>]*/>\n)')


def _lines_extent(lines: list) -> tuple[tuple[float, float], tuple[float, float]]:
    xs = [round(p[0], 1) for line in lines for p in line[:2]]
    ys = [round(p[1], 1) for line in lines for p in line[:2]]
    return (min(xs), min(ys)), (max(xs), max(ys))


def _with_lines(svg: bytes, lines: list) -> bytes | None:
    """The SVG graphviz drew without the lines, with the lines written in (None if it cannot tell where).

    graphviz draws a pinned line as two invisible nodes and an edge, which took 40% of its time for
    a meeting's fishbone; here each is one ``<path>``, drawn before the labels as graphviz does
    (``outputorder=edgesfirst``). graphviz moves the drawing so its corner is at the origin and turns
    y down: one corner point, whose position is known, tells by how much.
    """
    found = {}
    for name in _CORNERS:
        # Found from the end (graphviz writes them after the labels): a regex over the whole SVG costs more.
        start = svg.rfind(b'<g id="' + name.encode() + b'" class="node">')
        corner = _CORNER.match(svg, start) if start >= 0 else None
        if corner is None:
            return None
        comment = b"<!-- " + name.encode() + b" -->\n"
        cut = start - len(comment) if start >= len(comment) and svg.startswith(comment, start - len(comment)) else start
        found[name] = (float(corner.group(2)), float(corner.group(3)))
        svg = svg[:cut] + svg[corner.end():]
    background = _BACKGROUND.search(svg)
    if background is None:
        return None
    (ax, ay), _far = _lines_extent(lines)
    cx, cy = found[_CORNERS[0]]
    paths = []
    for index, ((x1, y1), (x2, y2), kind) in enumerate(lines):
        colour, width, dashed = LINES[kind]
        dash = ' stroke-dasharray="5,2"' if dashed else ""
        paths.append(f'<g id="edge{index + 1}" class="edge">\n<path fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
                     f'd="M{x1 - ax + cx:.2f},{cy + ay - y1:.2f}L{x2 - ax + cx:.2f},{cy + ay - y2:.2f}"/>\n</g>\n')
    return svg[:background.end()] + "".join(paths).encode() + svg[background.end():]


def run_graphviz(dot: str, fmt: str) -> bytes:
    """Run ``neato -n2`` on pinned positions (no layout of its own) and return the drawing.

    SVG and the measuring runs go to a neato kept running in this process (``_Resident``): starting
    one costs more CPU than drawing a whole fishbone, and a meeting redraws on every change. PNG
    and PDF, rarely asked for, and anything the resident one could not draw run once on their own,
    which also gives graphviz's own error message.
    """
    resident = _RESIDENT.get(fmt)
    if resident is not None:
        output = resident.draw(dot)
        if output is not None:
            return output
    args = ["neato", "-n2", "-T" + FORMATS[fmt]]
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    try:
        result = subprocess.run(args, input=dot.encode(), capture_output=True, env=env, timeout=60, check=False)
    except FileNotFoundError as error:
        raise RenderError("graphviz (neato) is not installed: run scripts/setup.sh") from error
    if result.returncode != 0:
        raise RenderError(result.stderr.decode(errors="replace")[:500])
    return result.stdout


_LATER_PAGE = re.compile(rb'<g id="page\d+,\d+_graph0"')


class _Resident:
    """One ``neato -n2`` per process and format that draws graph after graph: it reads DOT on stdin
    and writes each drawing as soon as its graph ends, so the answer ends at the format's last line.

    User text cannot end an answer early: it is escaped in SVG (``&lt;/svg&gt;``) and never a whole
    line in ``plain``. Any trouble (graphviz missing or stopped, a slow answer) ends the process and
    the caller draws with a neato of its own; a fresh one is started for the next drawing.
    """

    TIMEOUT = 20
    RENEW_AFTER = 500  # drawings: a long-lived graphviz never grows without bound

    def __init__(self, fmt: str, end: bytes):
        self.fmt, self.end = fmt, end
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.pid, self.drawn = 0, 0

    def draw(self, dot: str) -> bytes | None:
        with self.lock:
            try:
                process = self._process()
                process.stdin.write(dot.encode() + b"\n")
                process.stdin.flush()
                output = self._answer(process)
            except (OSError, ValueError, TimeoutError):
                output = None
            if output is None:
                self._stop()
                return None
            self.drawn += 1
            if self.drawn >= self.RENEW_AFTER:
                self._stop()
            return output

    def _process(self) -> subprocess.Popen:
        if self.pid != os.getpid():
            self.process = None  # a forked child must not share its parent's graphviz: it starts its own
        elif self.process is not None and self.process.poll() is not None:
            self._stop()
        if self.process is None:
            env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
            self.process = subprocess.Popen(["neato", "-n2", "-T" + FORMATS[self.fmt]], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            self.pid, self.drawn = os.getpid(), 0
        return self.process

    def _answer(self, process: subprocess.Popen) -> bytes | None:
        out = process.stdout.fileno()
        chunks, deadline = [], time.monotonic() + self.TIMEOUT
        tail = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                raise TimeoutError("graphviz did not answer")
            chunk = os.read(out, 65536)
            if not chunk:
                return None  # graphviz stopped (bad input): the caller runs it alone for the message
            chunks.append(chunk)
            tail = (tail + chunk)[-len(self.end) - 1:]
            if tail.endswith(self.end):
                # Later graphs of one graphviz run number their page ("page0,1_graph0"): the same drawing as a run of its own.
                return _LATER_PAGE.sub(b'<g id="graph0"', b"".join(chunks), count=1)

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and self.pid == os.getpid():
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                try:
                    pipe.close()
                except OSError:  # unwritten DOT left in the buffer of a graphviz that stopped
                    pass

    def stop(self) -> None:
        """End the process (at exit)."""
        with self.lock:
            self._stop()


_RESIDENT = {"svg": _Resident("svg", b"</svg>\n"), "plain": _Resident("plain", b"\nstop\n")}
atexit.register(lambda: [resident.stop() for resident in _RESIDENT.values()])


def mark_verified(text: str) -> str:
    """Prefix the ✓; a right-to-left mark keeps it at the start (the right) of a Persian label."""
    return ("\u200f✓ " if starts_right_to_left(text) else "✓ ") + text


def measure_lines(graph) -> None:
    """Have pango measure every label line not measured before (one graphviz run), so labels never overflow."""
    wanted = set()
    for lines, size, bold in geometry.label_lines(graph):
        wanted.update((line, size, bold) for line in lines if (line, size, bold) not in geometry.MEASURED)
    if not wanted:
        return
    keys = sorted(wanted)
    out = ["digraph measure {", f'node [shape=none, margin=0, width=0, height=0, fontname="{FONT}"];']
    for index, (line, size, bold) in enumerate(keys):
        font = f"{FONT} Bold" if bold else FONT
        out.append(f'm{index} [label={quote(line)}, fontsize={size}, fontname="{font}", pos="0,0!"];')
    out.append("}")
    plain = run_graphviz("\n".join(out), "plain").decode()
    if len(geometry.MEASURED) > 50_000:
        geometry.MEASURED.clear()
    for row in plain.splitlines():
        if row.startswith("node m"):
            parts = row.split(" ", 6)
            geometry.MEASURED[keys[int(parts[1][1:])]] = (float(parts[4]) * 72, float(parts[5]) * 72)


def _rtl_text(svg: bytes) -> bytes:
    """Give Persian lines a right-to-left base direction in SVG (pango already does this in PNG and PDF)."""

    def fix(match):
        content = html.unescape(match.group(2).decode())
        if starts_right_to_left(content):
            return b'<text direction="rtl" ' + match.group(1) + b">" + match.group(2) + b"</text>"
        return match.group(0)

    return re.sub(rb"<text ([^>]*)>([^<]*)</text>", fix, svg)


def _exact_page(pdf: bytes, paper: str) -> bytes:
    """graphviz rounds the scaled page to whole points (840 x 595); state the paper's exact size instead."""
    width, height = (round(v * 72, 2) for v in PAPERS[paper])

    def fix(match):
        w, h = float(match.group(1)), float(match.group(2))
        if abs(w - width) < 4 and abs(h - height) < 4:
            return f"/MediaBox [ 0 0 {width} {height} ]".encode()
        return match.group(0)

    return re.sub(rb"/MediaBox \[ 0 0 ([0-9.]+) ([0-9.]+) \]", fix, pdf)


def variant(fmt: str, rtl: bool, paper: str | None) -> str:
    """The name a drawing is cached under for one revision (the legend is in the reader's language)."""
    return f"fishbone|{fmt}|{rtl}|{paper}|{get_locale()}"


def legend() -> list[str]:
    return [_("✓ bold red: verified root cause"), _("orange: suspected"), _("● dots: votes"), _("dashed: 5 Whys chain")]


def draw(diagram, fmt: str = "svg", rtl: bool = False, paper: str | None = None) -> bytes:
    """Render the project's fishbone as SVG, PNG or PDF."""
    counts = voting.counts(voting.latest_session(diagram))
    graph = tree.cause_tree(diagram, counts)
    for _node, data in graph.nodes(data=True):
        if data.get("kind") == "cause" and data["status"] == "verified":
            data["text"] = mark_verified(data["text"])
    measure_lines(graph)
    layout = geometry.fishbone_layout(graph, rtl=rtl)
    paper = paper if paper in PAPERS else None
    output = _with_lines(run_graphviz(to_dot(layout, legend(), paper, lines=False), fmt), layout.lines) if fmt == "svg" else None
    if output is None:
        output = run_graphviz(to_dot(layout, legend(), paper), fmt)
    if fmt == "pdf" and paper in PAPERS:
        output = _exact_page(output, paper)
    if fmt == "svg":
        output = _rtl_text(output)
        output = output.replace(f'font-family="{FONT}"'.encode(), f'font-family="{SVG_FONT_STACK}"'.encode())
        output = output.replace(f'font-family="{FONT} Bold"'.encode(), f'font-family="{SVG_FONT_STACK}" font-weight="bold"'.encode())
    return output
