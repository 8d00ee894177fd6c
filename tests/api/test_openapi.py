def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {path for path in doc["paths"]}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule
        for converter in ("int:", "string:", "path:"):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        if path not in documented:
            missing.append(path)
        methods = {m.lower() for m in rule.methods} - {"head", "options"}
        documented_methods = set(doc["paths"].get(path, {}))
        if not methods <= documented_methods:
            missing.append(f"{path} {sorted(methods - documented_methods)}")
    assert not missing, f"undocumented API routes: {missing}"


# API modules whose bodies are still hand-written JSON Schema (capabilities not yet moved to marshmallow schemas).
NOT_YET_SCHEMAS = {"teams_api", "fishbone_api", "fmea_api", "fmea_import_api", "fmea_standalone_api", "actions_api", "dashboard_api",
                   "complaints_api"}
NOT_JSON = {"/api/v1/openapi.json"}


def _is_ref(schema) -> bool:
    return isinstance(schema, dict) and set(schema) == {"$ref"} and schema["$ref"].startswith("#/components/schemas/")


def _not_yet(app) -> set[str]:
    """Paths declared by the API modules not yet moved to schemas."""
    from workbench.registry import registry_of

    return {"/api/v1" + url for routes in registry_of(app).api_routes if routes.name in NOT_YET_SCHEMAS for url in routes.paths}


def test_every_body_and_answer_is_a_schema_component(app, client):
    """Request bodies and JSON answers name a component generated from a marshmallow schema, never an inline copy."""
    doc = client.get("/api/v1/openapi.json").get_json()
    skipped = NOT_JSON | _not_yet(app)
    inline = []
    for path, operations in doc["paths"].items():
        if path in skipped:
            continue
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body and not _is_ref(body["content"].get("application/json", {}).get("schema")):
                inline.append(f"{method.upper()} {path} body")
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2") and status != "204":
                    content = response.get("content", {})
                    if "application/json" not in content and not content:
                        inline.append(f"{method.upper()} {path} {status} has no schema")
                    elif "application/json" in content and not _is_ref(content["application/json"].get("schema")):
                        inline.append(f"{method.upper()} {path} {status}")
    assert not inline, f"bodies not generated from a schema: {inline}"


def test_real_answers_match_their_schemas(app, client, login, demo):
    """Every GET of the document, called on the demo organisation, answers JSON its schema accepts, key for key."""
    from marshmallow import RAISE

    from workbench.api import openapi
    from workbench.demo import DEMO_PASSWORD

    login(demo["qm"], DEMO_PASSWORD)
    doc = client.get("/api/v1/openapi.json").get_json()
    with app.test_request_context():
        classes = openapi.schema_classes()
    ids = {**demo["ids"], "user_id": demo["insider"].id, "table": "projects", "record_id": demo["ids"]["project_id"], "run_id": 1}
    skipped = NOT_JSON | _not_yet(app)
    checked, drift = 0, []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if not operation or path in skipped:
            continue
        url = path.format(**{name: ids[name] for name in ids if "{" + name + "}" in path})
        response = client.get(url)
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert response.status_code == 200, (url, response.status_code)
        errors = classes[schema["$ref"].rsplit("/", 1)[1]](unknown=RAISE).validate(response.get_json())
        if errors:
            drift.append((url, errors))
        checked += 1
    assert checked >= 4
    assert not drift, drift


def test_a_bad_field_is_named_in_the_callers_language(client, login, demo):
    """A body the schema refuses answers the usual 400, each bad field named, in Persian for a Persian user."""
    from workbench.demo import DEMO_PASSWORD

    login(demo["qm"], DEMO_PASSWORD)
    response = client.post("/api/v1/tokens", json={"name": 12}, headers={"Accept-Language": "fa"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid" and body["errors"] == {"name": "name باید متن باشد."}
