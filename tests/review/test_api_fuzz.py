"""Bad bodies on every write operation of the OpenAPI document answer 4xx, never 500.

Built from /api/v1/openapi.json, so an operation added later is fuzzed too.
"""

import pytest
from sqlalchemy import select

from workbench.demo import DEMO_PASSWORD
from workbench.models import User

WRITE = ("post", "put", "patch", "delete")
# A value of the wrong type for each declared type.
WRONG = {
    "integer": ["abc", 1.5, 10**30, -(10**30), [], {"a": 1}, True],
    "number": ["abc", [], {"a": 1}, 1e400 if False else "NaN"],
    "string": [12345, [], {"a": 1}, True, "x" * 200_000, "\x00"],
    "boolean": ["yes", [], {"a": 1}],
    "array": ["not a list", 5, {"a": 1}, [None], [{"x": []}], ["x" * 1000] * 3],
    "object": ["not an object", 5, []],
    "date": ["2024-13-45", "31/12/2024", "", 20240101, "۱۴۰۳/۱۳/۴۵"],
}


def _resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _types(schema):
    kind = schema.get("type", "string")
    kinds = kind if isinstance(kind, list) else [kind]
    if schema.get("format") in ("date", "date-time"):
        kinds = [*kinds, "date"]
    return [k for k in kinds if k != "null"]


def _bad_bodies(doc, operation):
    yield {}
    yield []
    yield {"x": 1}
    yield {"version": "abc"}
    yield {"version": 10**30}
    schema = _resolve(doc, operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
    properties = {name: _resolve(doc, prop) for name, prop in (schema.get("properties") or {}).items()}
    all_wrong = {}
    for name, prop in properties.items():
        for kind in _types(prop):
            for value in WRONG.get(kind, []):
                all_wrong[name] = value
                yield {name: value}
            if kind == "array":
                items = _resolve(doc, prop.get("items"))
                for item_kind in _types(items):
                    for value in WRONG.get(item_kind, [])[:3]:
                        yield {name: [value]}
                for sub, sub_prop in (items.get("properties") or {}).items():
                    for sub_kind in _types(_resolve(doc, sub_prop)):
                        for value in WRONG.get(sub_kind, [])[:4]:
                            yield {name: [{sub: value}]}
    if all_wrong:
        yield all_wrong


def _operations(doc):
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method in WRITE:
                found.append((path, method, operation))
    # Deletes last, so the other operations still find their records.
    return sorted(found, key=lambda item: (item[1] == "delete", item[0]))


@pytest.mark.parametrize("who", ["qm", "insider", "admin"])
def test_bad_bodies_never_give_500(app, client, login, demo, who, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo[who] if who in demo else db.session.scalar(select(User).where(User.role == who)), DEMO_PASSWORD)
    doc = client.get("/api/v1/openapi.json").get_json()
    ids = {**demo["ids"], "user_id": demo["insider"].id, "table": "projects", "record_id": demo["ids"]["project_id"], "token": "0" * 32, "run_id": 1}
    failures = []
    tried = 0
    for path, method, operation in _operations(doc):
        url = path.format(**{name: ids[name] for name in ids if "{" + name + "}" in path})
        assert "{" not in url, url
        for body in _bad_bodies(doc, operation):
            tried += 1
            response = client.open(url, method=method.upper(), json=body)
            if response.status_code >= 500:
                failures.append((method.upper(), url, repr(body)[:120], response.status_code))
        for raw, content_type in (("{", "application/json"), ("a=1", "application/x-www-form-urlencoded"), ("\xff", "text/plain")):
            response = client.open(url, method=method.upper(), data=raw, content_type=content_type)
            if response.status_code >= 500:
                failures.append((method.upper(), url, raw, response.status_code))
    assert tried > 300
    assert failures == [], "\n".join(map(repr, failures))


def test_bad_query_strings_never_give_500(app, client, login, demo):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(demo["qm"], DEMO_PASSWORD)
    doc = client.get("/api/v1/openapi.json").get_json()
    ids = {**demo["ids"], "user_id": demo["insider"].id, "table": "projects", "record_id": demo["ids"]["project_id"], "token": "0" * 32, "run_id": 1}
    failures = []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if not operation:
            continue
        url = path.format(**{name: ids[name] for name in ids if "{" + name + "}" in path})
        names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"] + ["page", "per_page"]
        for name in names:
            for value in ("abc", "2024-13-45", "9" * 40, "-1", "", "%00"):
                response = client.get(url, query_string={name: value})
                if response.status_code >= 500:
                    failures.append((url, name, value, response.status_code))
    assert failures == [], "\n".join(map(repr, failures))


def test_nul_characters_and_overlong_names_are_named_in_a_400(client, login, demo):
    """PostgreSQL cannot store U+0000 and checks lengths; SQLite does neither, so the rule lives in the app."""
    login(demo["qm"], DEMO_PASSWORD)
    pid = demo["ids"]["project_id"]
    response = client.post(f"/api/v1/projects/{pid}/fmea/rows", json={"failure_mode": "Rattle\x00"})
    assert response.status_code == 400
    assert "failure_mode" in response.get_json()["errors"]
    response = client.post(f"/api/v1/projects/{pid}/fmea/rows", json={"causes": [{"text": "\x00"}]})
    assert response.status_code == 400 and "causes[0].text" in response.get_json()["errors"]
    page = client.post(f"/fishbone/categories/{demo['ids']['category_id']}/rename", data={"name": "Men\x00"})
    assert page.status_code == 400 and "U+0000" in page.get_data(as_text=True)
    response = client.patch_read(f"/api/v1/teams/{demo['ids']['team_id']}", json={"name": "T" * 121})
    assert response.status_code == 400 and "name" in response.get_json()["errors"]
    response = client.post("/api/v1/tokens", json={"name": "k" * 81})
    assert response.status_code == 400 and "name" in response.get_json()["errors"]


def _check_version(db, demo) -> int:
    """The demo effectiveness check's version, as a client reads it before an edit."""
    from workbench.actions.models import EffectivenessCheck

    return db.session.get(EffectivenessCheck, demo["ids"]["check_id"]).version


def test_a_valid_body_with_one_field_of_the_wrong_type_is_a_400(client, login, db, demo, make_project):
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    login(admin, DEMO_PASSWORD)
    fresh = make_project(team=demo["project"].team, title="Fresh")
    user = {"email": "new@example.org", "name": "New", "role": "member", "password": "long enough pass"}
    calls = [
        ("POST", f"/api/v1/effectiveness/{demo['ids']['check_id']}/decision", {"decision": "rejected", "note": 5, "version": _check_version(db, demo)}, "note"),
        ("POST", f"/api/v1/projects/{fresh.id}/fishbone", {"template": "6m", "effect": 5}, "effect"),
        ("POST", "/api/v1/users", {**user, "email": 5}, "email"),
        ("POST", "/api/v1/users", {**user, "name": {"a": 1}}, "name"),
        ("POST", "/api/v1/users", {**user, "name": "n" * 121}, "name"),
        ("POST", "/api/v1/users", {**user, "password": 12345678901}, "password"),
    ]
    for method, url, body, field in calls:
        response = client.open(url, method=method, json=body)
        assert response.status_code == 400, (url, body)
        assert field in response.get_json()["errors"], (url, body)
