"""Every form a page shows carries the CSRF token; cookie-session API writes need X-CSRFToken."""

import re

from tests.review.test_access_walk import _urls
from workbench.demo import DEMO_PASSWORD

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _pages(app, demo):
    pages = [url for _, method, url in _urls(app, demo["ids"]) if method == "GET"]
    return pages + ["/", "/projects", "/teams", "/teams/new", "/projects/new", "/dashboard", "/notifications", "/account",
                    "/fmea/settings", "/admin/users", "/admin/process-owners",
                    f"/projects/{demo['ids']['project_id']}/fishbone?meeting=1"]


def test_every_post_form_carries_the_token(app, client, login, demo):
    login(demo["qm"], DEMO_PASSWORD)
    app.config["WTF_CSRF_ENABLED"] = True
    forms, missing = 0, []
    for url in _pages(app, demo):
        response = client.get(url)
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        if "fishbone/fishbone.js" in body or "fmea/table.js" in body:  # their fetch() calls send the meta's token
            assert META.search(body), url
        for attributes, inner in FORM.findall(body):
            if 'method="post"' not in attributes.lower():
                continue
            forms += 1
            token = re.search(r'<input[^>]*name="(\w+-)?csrf_token"[^>]*>', inner)
            if not token or not re.search(r'value="[^"]+"', token.group(0)):
                missing.append((url, attributes.strip()[:80]))
    assert forms > 15
    assert missing == [], "\n".join(map(repr, missing))


def test_cookie_session_api_write_needs_the_header(app, client, login, demo):
    login(demo["insider"], DEMO_PASSWORD)
    app.config["WTF_CSRF_ENABLED"] = True
    pid = demo["ids"]["project_id"]
    url = f"/api/v1/projects/{pid}/fmea/rows"
    assert client.post(url, json={"failure_mode": "Rattle"}).status_code == 400
    token = META.search(client.get(f"/projects/{pid}/fmea").get_data(as_text=True)).group(1)
    assert client.post(url, json={"failure_mode": "Rattle"}, headers={"X-CSRFToken": token}).status_code == 201


INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def test_pages_run_no_inline_script_and_the_policy_forbids_it(app, client, login, demo):
    """Escaping is the first wall; the Content-Security-Policy is the second: it must not allow inline script."""
    login(demo["insider"], DEMO_PASSWORD)
    inline, pages = [], 0
    for url in _pages(app, demo) + [f"/projects/{demo['ids']['project_id']}/fishbone/print"]:
        response = client.get(url)
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        script_src = response.headers["Content-Security-Policy"].split("script-src", 1)[1].split(";", 1)[0]
        assert "unsafe-inline" not in script_src, url
        body = response.get_data(as_text=True)
        inline += [(url, m.group(0)[:80]) for pattern in (INLINE_HANDLER, INLINE_SCRIPT) for m in pattern.finditer(body)]
    assert pages > 15
    assert inline == []
