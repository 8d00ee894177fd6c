"""A quality manager walks every page of the demo in Persian and English: no console error, no CSP violation.

The walk follows the links a user can click (breadth first, one page per address
pattern), then checks that every page endpoint of the app was reached, so a new
page cannot hide from it.
"""

import re
from collections import deque
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import request_finished

pytestmark = pytest.mark.browser

# Endpoints that answer files, JSON or redirects, or need something the walk does not create.
NOT_PAGES = {
    "static", "main.healthz", "auth.logout",
    "complaints.pareto_download", "complaints.trend_download", "complaints.complaints_download",
    "complaints.import_errors", "complaints.import_progress", "complaints.theme_progress",
    "actions.dashboard_pdf", "actions.dashboard_xlsx", "actions.report_pdf", "actions.evidence_download",
    "fishbone.export", "fishbone.export_text", "fishbone.evidence_file",
    "fmea.export_csv", "fmea.export_xlsx",
    "complaints.import_job", "fmea.import_preview",  # need an uploaded file: tests/complaint_import, tests/fmea
    "complaints.classifier_run", "complaints.classifier_run_progress",  # need a retraining run: tests/complaint_import
    "main.favicon",  # redirects to static/favicon.svg
    "live.changes",  # a stream of changes for the pages' scripts, not a page
    "teams.people_search", "complaints.complaint_search", "complaints.theme_search", "fmea.people_search",  # JSON for the pickers
    "admin.users", "admin.user_edit", "admin.process_owner_edit",  # administrators only
}
SKIP_PATH = re.compile(r"(\.(pdf|xlsx|csv|png|svg|txt|json)$)|^/api/|^/logout|^/static/")
SKIP_ARGS = {"lang", "download", "format"}


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k for k, _ in parse_qsl(parts.query) if k not in {"page"})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


# Text a Persian page writes in Latin digits, outside what users typed or named (marked <bdi>, dir="auto" or
# dir="ltr": names, titles, ids, file names), code, form fields and Latin terms ("AIAG-VDA 2019", "CSV", "D3"),
# shown or as a tooltip.
LATIN_DIGITS_IN_PERSIAN = r"""() => {
  const userText = "script, style, code, pre, kbd, samp, bdi, [dir=auto], [dir=ltr], [lang=en], input, textarea, select, option";
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue;
    const element = walker.currentNode.parentElement;
    if (!/[0-9]/.test(text) || !element || element.closest(userText)) continue;
    if (!element.getClientRects().length) continue;  // not shown
    // A digit run that belongs to a Latin word or term (AIAG-VDA 2019, 8D, D3, UTF-8, ISO 9001) is the term's.
    const bare = text.replace(/[A-Za-z][A-Za-z0-9_.:=+\-]*(\s+[0-9]+)?|[0-9]+[A-Za-z]+/g, "");
    if (/[0-9]/.test(bare)) found.push(text.trim().slice(0, 80));
  }
  // Tooltips too: a chart's <title> (a bar's period and count) and title/aria-label attributes.
  const tips = [...document.querySelectorAll("svg title")].map(t => [t, t.textContent]);
  for (const el of document.querySelectorAll("[title], [aria-label]")) {
    for (const name of ["title", "aria-label"]) if (el.getAttribute(name)) tips.push([el, el.getAttribute(name)]);
  }
  for (const [el, text] of tips) {
    if (el.closest(userText)) continue;
    const bare = text.replace(/[A-Za-z][A-Za-z0-9_.:=+\-]*(\s+[0-9]+)?|[0-9]+[A-Za-z]+/g, "");
    if (/[0-9]/.test(bare)) found.push("tooltip: " + text.trim().slice(0, 80));
  }
  return found;
}"""


# Panels a script draws only when asked, opened by a click and then checked like the page: the FMEA's rating
# scale beside a chosen S cell (its levels, 10 to 1, in the page's digits).
REVEAL = {"#fmea-table td[data-field=severity]": "#fmea-scale-list li"}


def _revealed_text(page, url: str, opened: set[str]) -> list[str]:
    """Latin digits in what the ``REVEAL`` panels of this page show once opened."""
    found = []
    for opener, panel in REVEAL.items():
        if page.locator(opener).count():
            page.locator(opener).first.click()
            page.locator(panel).first.wait_for(state="visible")
            opened.add(opener)
            found += page.evaluate(LATIN_DIGITS_IN_PERSIAN)
    return found


def _walk(page, base: str, start: list[str], problems: list[str], limit: int = 400, persian: bool = False,
          opened: set[str] | None = None) -> set[str]:
    seen, queue, visited = set(), deque(start), set()
    while queue and len(visited) < limit:
        url = queue.popleft()
        key = _pattern(url)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(base + url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 500, f"{url} answered {response.status}"
        visited.add(url)
        page.wait_for_load_state("networkidle")
        inline = page.evaluate(
            """() => {
              const found = [];
              for (const el of document.querySelectorAll('*')) {
                for (const attr of el.attributes) if (/^on/i.test(attr.name)) found.push(el.tagName + ' ' + attr.name);
                if (el.tagName === 'SCRIPT' && !el.src && el.type !== 'application/json') found.push('inline <script>');
                const href = el.getAttribute && el.getAttribute('href');
                if (href && /^\\s*javascript:/i.test(href)) found.push('javascript: link');
              }
              return found;
            }"""
        )
        problems.extend(f"{url}: {item}" for item in inline)
        if persian:
            latin = page.evaluate(LATIN_DIGITS_IN_PERSIAN) + _revealed_text(page, url, opened if opened is not None else set())
            problems.extend(f"{url}: Latin digits on a Persian page: {text!r}" for text in latin[:5])
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP_PATH.search(parts.path):
                continue
            query = [(k, v) for k, v in parse_qsl(parts.query) if k not in SKIP_ARGS]
            if len(query) != len(parse_qsl(parts.query)):
                continue  # a language switch or a download
            queue.append(parts.path + ("?" + urlencode(query) if query else ""))
    return visited


def _walk_as(app, page, live_server, lang: str, email: str, size: tuple[int, int]) -> dict:
    """Load the demo, sign ``email`` in and walk every page in ``lang`` on a ``size`` screen: the pages visited,
    the problems found, the panels opened and the page endpoints served."""
    from workbench.audit import acting_as
    from workbench.complaint_import.models import Complaint
    from workbench.demo import DEMO_PASSWORD, load_demo
    from workbench.extensions import db
    from workbench.fmea.models import FmeaDocument
    from workbench.fmea.revisions import freeze
    from workbench.models import User

    with acting_as("demo"):
        load_demo(complaints=120)
        qm = db.session.scalar(db.select(User).where(User.email == "qm@demo.example"))
        freeze(db.session.scalars(db.select(FmeaDocument)).first(), qm, "baseline")  # so "compare" has something to compare
    db.session.commit()
    # Pages reached from places the demo leaves empty: the reminders of someone with actions, a complaint's trace.
    extra = ["/notifications", f"/trace/complaints/{db.session.scalars(db.select(Complaint.id)).first()}"]

    endpoints: set[str] = set()

    def record(sender, response, **extra):
        from flask import request

        if request.endpoint and response.mimetype == "text/html" and request.method == "GET":
            endpoints.add(request.endpoint)

    request_finished.connect(record, app)
    problems: list[str] = []
    opened: set[str] = set()
    page.on("console", lambda m: problems.append(f"{page.url}: console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/login?lang=" + lang)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/?lang=" + lang)
    assert page.locator("html").get_attribute("lang") == lang
    try:
        visited = _walk(page, live_server, ["/", *extra], problems, persian=lang == "fa", opened=opened)
    finally:
        request_finished.disconnect(record, app)
    assert page.locator("html").get_attribute("lang") == lang
    return {"visited": visited, "problems": problems, "opened": opened, "endpoints": endpoints}


@pytest.mark.parametrize(("lang", "size"), [("fa", (1280, 720)), ("en", (1920, 1080))])
def test_every_page_loads_without_console_errors(app, page, live_server, lang, size):
    walked = _walk_as(app, page, live_server, lang, "qm@demo.example", size)
    assert len(walked["visited"]) > 40
    assert not walked["problems"], "\n".join(walked["problems"])
    if lang == "fa":
        assert walked["opened"] == set(REVEAL), f"panels the walk never opened: {sorted(set(REVEAL) - walked['opened'])}"
    pages = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api") and rule.endpoint not in NOT_PAGES
    }
    assert not pages - walked["endpoints"], f"pages no link leads to: {sorted(pages - walked['endpoints'])}"


@pytest.mark.parametrize("email", ["sara@demo.example", "viewer@demo.example"])
def test_a_member_and_a_viewer_see_every_page_of_theirs_in_persian_digits(app, page, live_server, email):
    """What only those who cannot edit see (a rule's weight as text, not in a field) is walked too."""
    walked = _walk_as(app, page, live_server, "fa", email, (1280, 720))
    assert len(walked["visited"]) > 25
    assert not walked["problems"], "\n".join(walked["problems"])
