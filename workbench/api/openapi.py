"""The OpenAPI document, assembled from what each API module of the app declares."""

from apispec import APISpec

from workbench.registry import current_registry


def document(version: str = "1.0.0") -> dict:
    """Return the whole OpenAPI 3.1 document of the current app, from what its API routes declare."""
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    for routes in current_registry().api_routes:
        for url, operations in routes.paths.items():
            paths.setdefault(url, {}).update(operations)
        schemas.update(routes.schemas)
    spec = APISpec(
        title="workbench API",
        version=version,
        openapi_version="3.1.0",
        info={"description": "Complaints, improvement teams, root causes, FMEA and corrective actions. "
              "Date fields take ISO `2024-08-02` or Jalali `1403/05/12` (Latin, Persian or Arabic-Indic digits); "
              "dates are answered in ISO."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for name, definition in sorted(schemas.items()):
        spec.components.schema(name, definition)
    for url, operations in sorted(paths.items()):
        spec.path(path="/api/v1" + url, operations=operations)
    doc = spec.to_dict()
    doc["security"] = [{"bearer": []}, {"session": []}]
    return doc


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name: str) -> dict:
    """Response schema of a paged list of ``name``."""
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def ok(description: str, schema_: dict | None = None) -> dict:
    response = {"description": description}
    if schema_:
        response["content"] = {"application/json": {"schema": schema_}}
    return response


def body(schema_: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema_}}}


ERRORS = {
    "400": {"description": "Invalid input; `errors` names each bad field."},
    "401": {"description": "Not signed in and no valid token."},
    "403": {"description": "Signed in but not allowed."},
    "404": {"description": "Not found, or not visible to this user."},
}

PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]
