"""Hostile input on every write route of ``app.url_map``, pages and API, as a member of the team and as an outsider.

Built from the URL map, so a route added later is fuzzed too. The inputs are
a fixed, generated list (hypothesis is not a dependency): missing fields,
wrong types, huge texts, NUL, ids beyond a database integer, non-numeric
versions, deep JSON, Unicode bidi controls and spreadsheet formula prefixes.

What must hold:
- never a server error (5xx);
- an error answer is 400, 403, 404, 409, 413 or 422, and says what is wrong;
- an outsider (member of another team) changes nothing: every stored row of
  every table is the same afterwards.

The figures (routes, requests, failures) are printed; run with ``-s`` to see them.
"""

import hashlib
import json

from sqlalchemy import select, text

from workbench.complaint_import.models import ClassificationRule, ImportJob, OwnerAssignment, RuleSuggestion
from workbench.demo import DEMO_PASSWORD
from workbench.models import ApiToken, ProcessOwner

WRITE = {"POST", "PUT", "PATCH", "DELETE"}
ERRORS = {400, 403, 404, 409, 413, 422}
# Sign-in, sign-out and the account page act on the session itself; tests/test_auth.py and test_sign_in_throttle.py cover them.
SKIP = {"auth.login", "auth.logout"}
# Tables a request may write without changing a record: sign-in counters and live revision numbers.
VOLATILE = {"sign_in_throttle", "live_revisions"}
HUGE_ID = 2**63
NAMES = ("name", "title", "text", "effect", "note", "reason", "phrase", "stage", "decision", "version", "status", "category",
         "process_owner", "owner_id", "due_date", "failure_mode", "severity", "priority_driver", "rpn_threshold", "email",
         "password", "kind", "template", "language", "weight", "label", "delete", "dismiss", "items", "ids", "whys", "members")
TEXTS = [
    "", " ", "x" * 200_001, "a\x00b", "-1", "9" * 40, "abc", "1.5", "2024-13-45", "۱۴۰۳/۱۳/۴۵",
    "\u202eexe.txt\u202c", "\u2066evil\u2069 \u200f", "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1:A9)",
    "<script>alert(1)</script>", "' OR 1=1 --", "{\"a\": 1}",
]
JSON_VALUES = [None, True, 1.5, -1, 10**30, -(10**30), [], {}, ["x"], {"a": {"b": [1, {"c": None}]}}, "x" * 200_001, "\x00"]


def _deep(levels: int):
    value = "x"
    for _ in range(levels):
        value = {"a": [value]}
    return value


def _bodies(api: bool):
    """(kind, payload) pairs; each page form or JSON body a hostile client might send."""
    yield "empty", {}
    for value in TEXTS:
        yield "one text", {"version": "abc" if value == "abc" else value, "name": value, "title": value, "text": value}
        yield "all texts", {name: value for name in NAMES}
    if api:
        for value in JSON_VALUES:
            yield "wrong type", {name: value for name in NAMES}
        yield "deep", {"text": _deep(40), "version": 1}
        yield "list body", [1, 2, 3]
        yield "version huge", {"version": 10**30, "text": "fine"}
        yield "version negative", {"version": -5, "text": "fine"}


def _ids(db, demo) -> dict:
    first = lambda model: db.session.scalar(select(model.id).order_by(model.id)) or 1  # noqa: E731
    return {
        **{k: v for k, v in demo["ids"].items() if k != "insider_id"},
        "user_id": demo["insider"].id, "owner_id": first(ProcessOwner), "cell_id": first(OwnerAssignment),
        "rule_id": first(ClassificationRule), "job_id": first(ImportJob), "suggestion_id": first(RuleSuggestion),
        "token_id": first(ApiToken), "run_id": 1, "token": "0" * 32,
    }


def _routes(app, ids, team_only: bool = False):
    """(endpoint, method, url) of every write route, with real ids and with ids out of range; deletes and closings last."""
    from tests.review.test_access_walk import LISTS, OWN_OR_PUBLIC, SHARED

    found = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods & WRITE)
        if not methods or rule.endpoint in SKIP:
            continue
        if team_only and (rule.endpoint in OWN_OR_PUBLIC | LISTS | SHARED or not rule.arguments):
            continue
        actions = ("rename", "up", "down", "remove") if "action" in rule.arguments else (None,)
        for action in actions:
            values = {name: ids[name] for name in rule.arguments if name in ids}
            if action:
                values["action"] = action
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values)
                numbered = [name for name in rule.arguments if isinstance(values.get(name), int)]
                beyond = app.url_for(rule.endpoint, **{**values, **{n: HUGE_ID for n in numbered}}) if numbered else None
            for method in methods:
                found.append((rule.endpoint, method, url))
                if beyond and action in (None, "rename"):
                    found.append((rule.endpoint, method, beyond))
    last = ("delete", "remove", "close", "reopen", "cancel", "discard", "revoke", "apply", "confirm")
    return sorted(found, key=lambda r: (r[1] == "DELETE" or any(word in r[0] + r[2] for word in last), r[2], r[1]))


def _send(client, method, url, payload):
    if url.startswith("/api/"):
        return client.open(url, method=method, json=payload)
    if isinstance(payload, list):
        payload = {"items": payload}
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
    return client.open(url, method=method, data=data)


def _says_why(response) -> bool:
    """An error answer tells what is wrong: a JSON message/errors, or a page with text."""
    if response.is_json:
        body = response.get_json(silent=True) or {}
        return bool(body.get("message") or body.get("errors"))
    return len(response.get_data(as_text=True).strip()) > 20


def _snapshot(db) -> dict:
    """Per table: row count and a hash of every stored row (volatile tables left out)."""
    snap = {}
    for table in db.metadata.sorted_tables:
        if table.name in VOLATILE:
            continue
        keys = ", ".join(c.name for c in table.primary_key.columns) or "1"
        rows = db.session.execute(text(f"SELECT * FROM {table.name} ORDER BY {keys}")).all()
        snap[table.name] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    db.session.rollback()
    return snap


def _fuzz(client, routes, api_bodies, page_bodies):
    sent, failures = 0, []
    for _endpoint, method, url in routes:
        bodies = api_bodies if url.startswith("/api/") else page_bodies
        for kind, payload in bodies[:2] if str(HUGE_ID) in url else bodies:  # an id out of range: 404 whatever the body
            response = _send(client, method, url, payload)
            sent += 1
            code = response.status_code
            if code >= 500:
                failures.append((method, url, kind, code, response.get_data(as_text=True)[:200]))
            elif code >= 400 and (code not in ERRORS or not _says_why(response)):
                failures.append((method, url, kind, code, response.get_data(as_text=True)[:200]))
            response.close()
    return sent, failures


def test_every_write_route_survives_hostile_input_from_a_member(app, db, client, login, demo):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo["insider"], DEMO_PASSWORD)
    routes = _routes(app, _ids(db, demo))
    sent, failures = _fuzz(client, routes, list(_bodies(api=True)), list(_bodies(api=False)))
    endpoints = {endpoint for endpoint, _, _ in routes}
    print(f"\nroute fuzz, member: {len(endpoints)} write routes ({len(routes)} URLs), {sent} requests, {len(failures)} failures")
    assert len(endpoints) > 90
    assert failures == [], "\n".join(map(repr, failures[:40]))


def test_an_outsider_changes_nothing_whatever_they_send(app, db, client, login, demo):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo["outsider"], DEMO_PASSWORD)
    routes = _routes(app, _ids(db, demo), team_only=True)
    before = _snapshot(db)
    api_bodies = [b for b in _bodies(api=True) if b[0] in ("empty", "one text", "wrong type")][:12]
    page_bodies = [b for b in _bodies(api=False)][:12]
    sent, failures = _fuzz(client, routes, api_bodies, page_bodies)
    after = _snapshot(db)
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    endpoints = {endpoint for endpoint, _, _ in routes}
    print(f"\nroute fuzz, outsider: {len(endpoints)} team write routes ({len(routes)} URLs), {sent} requests, "
          f"{len(failures)} failures, {len(changed)} tables changed")
    assert len(endpoints) > 50
    assert failures == [], "\n".join(map(repr, failures[:40]))
    assert changed == {}
