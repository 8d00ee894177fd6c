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
              "dates are answered in ISO.\n\n"
              "Every edit of an existing record (PATCH, and the POSTs that change one: verify a cause, decide a check) must send "
              "the `version` it read. The version is checked inside the UPDATE itself, so of two edits made from the same version "
              "exactly one is saved and the other answers 409; an edit without `version` also answers 409, naming the current one. "
              "A 409 body carries `current` (the record as stored now) and `submitted` (what was sent); a `version` that is not a "
              "whole number answers 400 naming the field."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    spec.components.schema("Conflict", CONFLICT_SCHEMA)
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

VERSION = {
    "type": "integer",
    "minimum": 0,
    "description": "required: the `version` you read. Stale or missing: 409 with `current` and `submitted`; not a whole number: 400 naming `version`",
}
CONFLICT_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "enum": ["conflict"]},
        "message": {"type": "string", "description": "what happened and what to do, in the caller's language"},
        "current": {"type": ["object", "null"], "description": "the record as stored now, with its `version` (null when it was deleted)"},
        "submitted": {"type": "object", "description": "what the refused edit sent"},
    },
}
CONFLICT = {
    "409": {
        "description": "Someone else changed the record since the `version` sent, or no `version` was sent: nothing was saved",
        "content": {"application/json": {"schema": ref("Conflict")}},
    }
}


def versioned(schema_: dict) -> dict:
    """The body of an edit: ``schema_``'s properties, with ``version`` required."""
    return {"type": "object", "required": ["version"], "properties": {**schema_.get("properties", {}), "version": VERSION}}


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]
