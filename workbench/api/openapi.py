"""The OpenAPI document, generated from what each API module of the app declares.

Bodies are marshmallow schemas (``workbench/<capability>/schemas.py``): apispec's
``MarshmallowPlugin`` turns each into a component of ``#/components/schemas`` and every
operation that names one into a ``$ref`` to it.
"""

import copy

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from workbench.registry import current_registry


def document(version: str = "1.0.0") -> dict:
    """Return the whole OpenAPI 3.1 document of the current app, from what its API routes declare."""
    return _spec(version)[0].to_dict() | {"security": [{"bearer": []}, {"session": []}]}


def schema_classes() -> dict:
    """Component name → the marshmallow schema class it was generated from (for tests that check answers against the spec)."""
    plugin = _spec()[1]
    return {name: key[0] for key, name in plugin.converter.refs.items()}


def _spec(version: str = "1.0.0") -> tuple[APISpec, MarshmallowPlugin]:
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
        plugins=[plugin := MarshmallowPlugin(schema_name_resolver=schema_name)],
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
        if isinstance(definition, dict):
            spec.components.schema(name, definition)
        else:
            spec.components.schema(name, schema=definition)
    for url, operations in sorted(paths.items()):
        # The plugin replaces schema classes by references in place: keep the declared operations for the next call.
        spec.path(path="/api/v1" + url, operations=copy.deepcopy(operations))
    return spec, plugin


def schema_name(schema) -> str:
    """Component name of a schema class the routes did not name themselves: the class name without ``Schema``."""
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


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


def ok(description: str, schema_=None) -> dict:
    response = {"description": description}
    if schema_:
        response["content"] = {"application/json": {"schema": schema_}}
    return response


def body(schema_) -> dict:
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
