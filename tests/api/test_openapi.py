import io

from tests.fmea import workbooks


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


NOT_JSON = {"/api/v1/openapi.json"}


def _is_ref(schema) -> bool:
    """A reference to a component, or a list of them."""
    if isinstance(schema, dict) and schema.get("type") == "array":
        return set(schema) == {"type", "items"} and _is_ref(schema["items"])
    return isinstance(schema, dict) and set(schema) == {"$ref"} and schema["$ref"].startswith("#/components/schemas/")


def test_every_body_and_answer_is_a_schema_component(client):
    """Request bodies and JSON answers name a component generated from a marshmallow schema, never an inline copy."""
    doc = client.get("/api/v1/openapi.json").get_json()
    inline = []
    for path, operations in doc["paths"].items():
        if path in NOT_JSON:
            continue
        for method, operation in operations.items():
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if not _is_ref(content.get("schema")):
                    inline.append(f"{method.upper()} {path} {media} body")
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2") and status != "204":
                    content = response.get("content", {})
                    if "application/json" not in content and not content:
                        inline.append(f"{method.upper()} {path} {status} has no schema")
                    elif "application/json" in content and not _is_ref(content["application/json"].get("schema")):
                        inline.append(f"{method.upper()} {path} {status}")
    assert not inline, f"bodies not generated from a schema: {inline}"


def test_real_answers_match_their_schemas(app, client, login, demo, db):
    """Every GET of the document, called on the demo organisation, answers JSON its schema accepts, key for key."""
    from marshmallow import RAISE

    from workbench.api import openapi
    from workbench.demo import DEMO_PASSWORD

    login(demo["qm"], DEMO_PASSWORD)
    doc = client.get("/api/v1/openapi.json").get_json()
    with app.test_request_context():
        classes = openapi.schema_classes()
    from workbench.complaint_import import retraining

    run = retraining.start_run(demo["qm"])  # a retraining run, queued
    db.session.commit()
    ids = {**demo["ids"], "user_id": demo["insider"].id, "table": "projects", "record_id": demo["ids"]["project_id"], "run_id": run.id}
    checked, drift = 0, []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if not operation or path in NOT_JSON:
            continue
        url = path.format(**{name: ids[name] for name in ids if "{" + name + "}" in path} | {"token": "{token}"})
        if "{token}" in url:  # a workbook's preview: upload one first
            upload = client.post(url.removesuffix("/{token}"), data={"file": (io.BytesIO(workbooks.aiag4_pfmea()), "hinge.xlsx")},
                                 content_type="multipart/form-data")
            assert upload.status_code == 202, upload.get_json()
            url = url.replace("{token}", upload.get_json()["token"])
        response = client.get(url)
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert response.status_code == 200, (url, response.status_code)
        many = schema.get("type") == "array"
        name = (schema["items"] if many else schema)["$ref"].rsplit("/", 1)[1]
        errors = classes[name](many=many, unknown=RAISE).validate(response.get_json())
        if errors:
            drift.append((url, errors))
        checked += 1
    assert checked >= 30
    assert not drift, drift


def test_a_bad_field_is_named_in_the_callers_language(client, login, demo):
    """A body the schema refuses answers the usual 400, each bad field named, in Persian for a Persian user."""
    from workbench.demo import DEMO_PASSWORD

    login(demo["qm"], DEMO_PASSWORD)
    response = client.post("/api/v1/tokens", json={"name": 12}, headers={"Accept-Language": "fa"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid" and body["errors"] == {"name": "name باید متن باشد."}


def test_a_bad_field_inside_a_list_is_named_by_its_path(client, login, demo, db):
    """Nested fields are named as the text limits name them (``members[0].user_id``); nothing is written."""
    from sqlalchemy import func, select

    from workbench.demo import DEMO_PASSWORD
    from workbench.teams.models import Team

    login(demo["qm"], DEMO_PASSWORD)
    before = db.session.scalar(select(func.count(Team.id)))
    response = client.post("/api/v1/teams", json={"name": "Night shift", "leader_id": demo["insider"].id,
                                                  "members": [{"user_id": "abc"}, "x"]}, headers={"Accept-Language": "fa"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"members[0].user_id": "user_id باید عدد صحیح باشد.", "members[1]": "members[1] باید یک شیء (object) باشد."}
    assert db.session.scalar(select(func.count(Team.id))) == before


def test_fast_row_dump_is_the_schemas_dump(demo, db):
    """FMEA rows are dumped in bulk by ``flat_dumper``: the same JSON as FmeaRowSchema gives, for rows read both ways."""
    from sqlalchemy import select

    from workbench.fmea import services
    from workbench.fmea.models import FmeaDocument, FmeaRow
    from workbench.fmea.schemas import FmeaRowSchema

    document = db.session.get(FmeaDocument, demo["ids"]["document_id"])
    schema = FmeaRowSchema(exclude=("corrective_actions",))
    rows = services.row_dicts(document)
    models = db.session.scalars(select(FmeaRow).where(FmeaRow.document_id == document.id).order_by(FmeaRow.position, FmeaRow.id)).all()
    assert rows and [services.row_json(r) for r in rows] == [schema.dump(r) for r in rows]
    assert [services.row_json(r) for r in models] == [schema.dump(r) for r in models]
