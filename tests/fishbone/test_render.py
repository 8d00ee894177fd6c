import os
import random
import re
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx

from workbench.fishbone import layout, render, services

XSS = ("<script>alert(1)</script>", "</text><svg onload=alert(1)>")
SVG_NS = "{http://www.w3.org/2000/svg}"


def _big_tree(causes=300, categories=8, seed=3):
    rng = random.Random(seed)
    words = "supplier late driver route warehouse stock planning forecast customer call تأخیر راننده انبار برنامه‌ریزی".split()
    graph = nx.DiGraph()
    graph.add_node("effect", kind="effect", text="Late deliveries")
    for c in range(categories):
        graph.add_node(f"cat{c}", kind="category", id=c, text=f"Category {c}", order=c)
        graph.add_edge("effect", f"cat{c}")
    made, parents = 0, {c: [] for c in range(categories)}
    while made < causes:
        c = made % categories
        pool = parents[c]
        parent, depth = (f"cat{c}", 1)
        if pool and rng.random() < 0.6:
            parent, depth = rng.choice(pool)
        made += 1
        text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 14)))
        graph.add_node(made, kind="cause", id=made, text=text, order=(made, made), status=rng.choice(["open", "suspected", "verified"]),
                       is_why=False, votes=rng.choice([0, 2]))
        graph.add_edge(parent, made)
        if depth < 3:
            parents[c].append((made, depth + 1))
    return graph


def test_300_causes_on_8_bones_3_levels_never_overlap_and_wrap():
    graph = _big_tree()
    depths = nx.single_source_shortest_path_length(graph, "effect")
    assert max(depths.values()) == 4  # effect -> category -> 3 levels of causes
    for rtl in (False, True):
        drawn = layout.fishbone_layout(graph, rtl=rtl)
        assert len([b for b in drawn.boxes if b.kind == "cause"]) == 300
        assert layout.overlaps(drawn) == []
        assert max(len(line) for b in drawn.boxes if b.kind == "cause" for line in b.lines) <= 30


def test_labels_stay_off_their_bone_and_the_spine():
    drawn = layout.fishbone_layout(_big_tree(causes=120))
    bones = [line for line in drawn.lines if line[2] == "bone"]
    for box in (b for b in drawn.boxes if b.kind == "cause"):
        x1, y1, x2, y2 = box.edges()
        assert y1 > 0 or y2 < 0  # never across the spine
        for (bx1, by1), (bx2, by2), _ in bones:
            low, high = sorted((by1, by2))
            for y in (y1, y2):
                if low <= y <= high:
                    bone_x = bx1 + (bx2 - bx1) * (y - by1) / (by2 - by1)
                    assert not (x1 < bone_x < x2), (box.key, box.lines)


def test_rtl_puts_the_head_on_the_left():
    ltr = layout.fishbone_layout(_big_tree(causes=20))
    rtl = layout.fishbone_layout(_big_tree(causes=20), rtl=True)
    head = lambda d: next(b for b in d.boxes if b.kind == "effect")  # noqa: E731
    assert head(ltr).x == max(b.x for b in ltr.boxes)
    assert head(rtl).x == min(b.x for b in rtl.boxes)


def _xss_diagram(db, fishbone, user):
    project, leader, diagram = fishbone
    for text in XSS:
        services.add_cause(diagram, leader, {"text": text, "category_id": diagram.categories[0].id})
    services.update_diagram(diagram, {"effect": XSS[1]})
    db.session.commit()
    return project


def test_user_text_is_text_in_svg(db, client, login, fishbone):
    project = _xss_diagram(db, fishbone, None)
    login(fishbone[1])
    response = client.get(f"/projects/{project.id}/fishbone.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert list(root.iter(SVG_NS + "script")) == []
    assert [e for e in root.iter() if any(k.lower().startswith("on") for k in e.attrib)] == []
    texts = "".join(t.text or "" for t in root.iter(SVG_NS + "text"))
    for text in XSS:
        assert text in texts
    assert len(list(root.iter(SVG_NS + "svg"))) == 1  # the only <svg> is the root itself
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_user_text_is_text_in_html_pages(db, client, login, fishbone):
    project = _xss_diagram(db, fishbone, None)
    login(fishbone[1])
    for url in (f"/projects/{project.id}/fishbone", f"/projects/{project.id}/fishbone/print"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/projects/{project.id}/fishbone/print").get_data(as_text=True)


def test_user_text_is_text_in_pdf_and_persian_font_is_embedded(db, client, login, fishbone, tmp_path):
    project = _xss_diagram(db, fishbone, None)
    project_, leader, diagram = fishbone
    services.add_cause(diagram, leader, {"text": "کمبود راننده در روزهای پرکار", "category_id": diagram.categories[1].id})
    db.session.commit()
    login(leader)
    pdf = client.get(f"/projects/{project.id}/fishbone.pdf?paper=a4").data
    assert pdf.startswith(b"%PDF")
    assert b"Vazirmatn" in pdf  # the vendored Persian font, found through our fonts.conf
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "<script>alert(1)</script>" in text
    assert "onload=alert(1)>" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert "(A4)" in info  # one landscape A4 page
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert abs(width - 842) < 2 and abs(height - 595) < 2


def test_fontconfig_finds_the_vendored_persian_font():
    env = dict(os.environ, FONTCONFIG_FILE=str(render.FONTS_CONF))
    found = subprocess.run(["fc-match", "Vazirmatn"], capture_output=True, env=env, check=True).stdout.decode()
    assert "Vazirmatn" in found


def test_png_export(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    response = client.get(f"/projects/{project.id}/fishbone.png")
    assert response.data.startswith(b"\x89PNG") and len(response.data) > 5000


def test_dot_quoting_never_makes_html_labels():
    assert render.quote('<b>x</b>') == '"<b>x</b>"'
    assert render.quote('a"b\\n') == '"a\\"b\\\\n"'


def test_worst_case_labels_fit_their_boxes():
    graph = _big_tree(causes=16)
    extremes = ["W" * 45, "ش" * 40, "ERP SYSTEM DOWNTIME DURING THE MONTH-END PEAK WEEK", "مممممممممم " * 4, "<b>&amp;</b> \\ \"q\""]
    for number, text in enumerate(extremes, start=1000):
        graph.add_node(number, kind="cause", id=number, text=text, order=(0, number), status="verified", is_why=False, votes=12)
        graph.add_edge(number - 1 if number > 1000 else "cat0", number)
    render.measure_lines(graph)
    for rtl in (False, True):
        drawn = layout.fishbone_layout(graph, rtl=rtl)
        assert layout.overlaps(drawn) == []
        env = dict(os.environ, FONTCONFIG_FILE=str(render.FONTS_CONF))
        result = subprocess.run(["neato", "-n2", "-Tsvg"], input=render.to_dot(drawn).encode(), capture_output=True, env=env, check=True)
        assert b"too small" not in result.stderr, result.stderr[:300]


def test_persian_diagrams_count_votes_in_persian_digits():
    graph = _big_tree(causes=10)
    graph.nodes[1]["votes"] = 12
    votes = [b for b in layout.fishbone_layout(graph, rtl=True).boxes if b.key == "v1"]
    assert votes[0].lines == ["۱۲"]


def test_persian_svg_lines_read_right_to_left(db, client, login, fishbone):
    project, leader, diagram = fishbone
    services.add_cause(diagram, leader, {"text": "انبار برنامه‌ریزی ERP", "category_id": diagram.categories[0].id})
    services.add_cause(diagram, leader, {"text": "ERP انبار", "category_id": diagram.categories[0].id})
    db.session.commit()
    login(leader)
    root = ET.fromstring(client.get(f"/projects/{project.id}/fishbone.svg").data)
    texts = {t.text: t.get("direction") for t in root.iter(SVG_NS + "text")}
    assert texts["انبار برنامه‌ریزی ERP"] == "rtl"
    assert texts["ERP انبار"] is None


def test_missing_graphviz_is_a_clear_503(client, login, fishbone, monkeypatch):
    project, leader, diagram = fishbone
    login(leader)
    monkeypatch.setitem(render.FORMATS, "png", "no-such-format")
    response = client.get(f"/projects/{project.id}/fishbone.png")
    assert response.status_code == 503 and "graphviz" in response.get_data(as_text=True)


def test_a_graphviz_that_stopped_is_replaced_and_the_drawing_still_comes():
    dot = render.to_dot(layout.fishbone_layout(_big_tree(causes=12), rtl=False))
    first = render.run_graphviz(dot, "svg")
    resident = render._RESIDENT["svg"]
    stopped = resident.process
    stopped.kill()
    stopped.wait()
    again = render.run_graphviz(dot, "svg")
    assert again == first and again.rstrip().endswith(b"</svg>")
    assert resident.process is not None and resident.process.pid != stopped.pid


def test_bad_dot_gives_graphviz_message_and_the_next_drawing_is_whole():
    try:
        render.run_graphviz("digraph { a -> }", "svg")
        raise AssertionError("a syntax error was drawn")
    except render.RenderError as error:
        assert "syntax error" in str(error)
    dot = render.to_dot(layout.fishbone_layout(_big_tree(causes=5), rtl=True))
    drawn = render.run_graphviz(dot, "svg")
    assert drawn.count(b"</svg>") == 1 and ET.fromstring(drawn).tag == SVG_NS + "svg"


_EDGE = re.compile(r'<g id="edge\d+" class="edge">\n(?:<title>[^<]*</title>\n)?<path fill="none" stroke="([^"]+)"(?: stroke-width="([^"]+)")?'
                   r'(?: stroke-dasharray="([^"]+)")? d="M([-0-9.]+),([-0-9.]+)[CL](?:.* )?([-0-9.]+),([-0-9.]+)"/>')


def test_svg_lines_are_where_graphviz_draws_them(app, db, fishbone):
    project, leader, diagram = fishbone
    first = services.add_cause(diagram, leader, {"text": "Driver shortage انبار", "category_id": diagram.categories[0].id})
    services.add_cause(diagram, leader, {"text": "Night shift", "category_id": diagram.categories[0].id, "parent_id": first.id})
    services.add_whys(first, leader, ["No training budget", "Budget set in January"])
    for n in range(12):
        services.add_cause(diagram, leader, {"text": f"Late route {n}", "category_id": diagram.categories[n % 6].id})
    db.session.commit()
    with app.test_request_context():
        for rtl in (False, True):
            svg = render.draw(diagram, "svg", rtl=rtl).decode()
            graph = render.tree.cause_tree(diagram, {})
            drawn = layout.fishbone_layout(graph, rtl=rtl)
            # graphviz drawing the same lines itself (as it does for PNG and PDF) is the reference.
            reference = render.run_graphviz(render.to_dot(drawn, render.legend(), None), "svg").decode()
            assert re.search(r"<svg[^>]*>", svg).group(0) == re.search(r"<svg[^>]*>", reference).group(0)  # same frame
            ours, theirs = _EDGE.findall(svg), _EDGE.findall(reference)
            assert len(ours) == len(theirs) == len(drawn.lines) and sum(1 for e in ours if e[2]) == 2  # the two whys dashed
            for mine, graphviz in zip(ours, theirs, strict=True):
                assert mine[:3] == (graphviz[0], graphviz[1] or "1", graphviz[2])
                # graphviz stops a line at its invisible end points (under a point short): the same place.
                assert all(abs(float(a) - float(b)) < 1 for a, b in zip(mine[3:], graphviz[3:], strict=True))
            assert "lines_corner" not in svg and svg.index('class="edge"') < svg.index('class="node"')
            assert [t.text for t in ET.fromstring(svg.encode()).iter(SVG_NS + "text")] == \
                   [t.text for t in ET.fromstring(render._rtl_text(reference.encode())).iter(SVG_NS + "text")]
