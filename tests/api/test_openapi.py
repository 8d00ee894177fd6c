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
