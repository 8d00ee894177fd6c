"""Every form the pages show, sent back with oversized, NUL or malformed values, answers 4xx or a page, never 500."""

import re

import pytest

from tests.review.test_csrf import FORM, _pages
from workbench.demo import DEMO_PASSWORD

FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', re.I)
ACTION = re.compile(r'action="([^"]*)"')
BAD = ["x" * 100_000, "a\x00b", "2024-13-45", "-99999999999999999999999", "<script>alert(1)</script>"]


def _forms(client, app, demo):
    seen = {}
    for url in _pages(app, demo):
        response = client.get(url)
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for attributes, inner in FORM.findall(response.get_data(as_text=True)):
            if 'method="post"' not in attributes.lower():
                continue
            action = ACTION.search(attributes)
            target = action.group(1).replace("&amp;", "&") if action else url
            if target.endswith("/logout"):
                continue
            names = sorted(set(FIELD.findall(inner)) - {"csrf_token"})
            seen.setdefault(target, set()).update(names)
    return seen


@pytest.mark.parametrize("who", ["insider", "qm"])
def test_forms_with_bad_values_never_give_500(app, client, login, demo, who):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo[who], DEMO_PASSWORD)
    forms = _forms(client, app, demo)
    assert len(forms) > 10
    failures = []
    # Destructive forms last, so the others still find their records.
    for target in sorted(forms, key=lambda t: ("remove" in t or "close" in t or "reopen" in t, t)):
        for bad in BAD:
            for name in sorted(forms[target]):
                response = client.post(target, data={name: bad})
                response.close()
                if response.status_code >= 500:
                    failures.append((target, name, bad[:30], response.status_code))
            response = client.post(target, data={name: bad for name in forms[target]})
            response.close()
            if response.status_code >= 500:
                failures.append((target, "*", bad[:30], response.status_code))
    assert failures == [], "\n".join(map(repr, failures))


def test_page_query_arguments_never_give_500(app, client, login, demo):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo["qm"], DEMO_PASSWORD)
    names = ("a", "b", "since", "paper", "dir", "stage", "team_id", "owner_id", "from", "to", "page", "style", "lang")
    failures = []
    pages = [url for url in _pages(app, demo) if not url.endswith((".pdf", ".png", ".svg", ".xlsx", ".csv", "/file", "/evidence"))]
    for url in pages:
        for name in names:
            for value in ("9" * 40, "abc", "2024-13-45", "\x00"):
                response = client.get(url.split("?")[0], query_string={name: value})
                response.close()
                if response.status_code >= 500:
                    failures.append((url, name, value, response.status_code))
    assert failures == [], "\n".join(map(repr, failures))
