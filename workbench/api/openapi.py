"""The OpenAPI document, generated from what each API module of the app declares.

Bodies are marshmallow schemas (``workbench/<capability>/schemas.py``): apispec's
``MarshmallowPlugin`` turns each into a component of ``#/components/schemas`` and every
operation that names one into a ``$ref`` to it.
"""

import copy

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import make_schema_key

from workbench.api.core_schemas import ConflictSchema, ErrorSchema
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
    schemas: dict[str, type] = {}
    for routes in current_registry().api_routes:
        for url, operations in routes.paths.items():
            paths.setdefault(url, {}).update(operations)
        schemas.update(routes.schemas)
    # The names the routes gave their schemas, also where a schema is met nested in another first.
    named = {definition: name for name, definition in schemas.items()}
    spec = APISpec(
        title="workbench API",
        version=version,
        openapi_version="3.1.0",
        plugins=[plugin := MarshmallowPlugin(schema_name_resolver=lambda schema: named.get(_class_of(schema)) or schema_name(schema))],
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
    for name, definition in sorted(schemas.items()):
        if make_schema_key(definition()) not in plugin.converter.refs:  # else already added, nested in an earlier one
            spec.components.schema(name, schema=definition)
    for url, operations in sorted(paths.items()):
        # The plugin replaces schema classes by references in place: keep the declared operations for the next call.
        spec.path(path="/api/v1" + url, operations=copy.deepcopy(operations))
    return spec, plugin


def _class_of(schema) -> type:
    return schema if isinstance(schema, type) else type(schema)


def schema_name(schema) -> str:
    """Component name of a schema class the routes did not name themselves: the class name without ``Schema``."""
    return _class_of(schema).__name__.removesuffix("Schema")


def ok(description: str, schema_=None) -> dict:
    response = {"description": description}
    if schema_:
        response["content"] = {"application/json": {"schema": schema_}}
    return response


def body(schema_) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema_}}}



CONFLICT = {
    "409": {
        "description": "Someone else changed the record since the `version` sent, or no `version` was sent: nothing was saved",
        "content": {"application/json": {"schema": ConflictSchema}},
    }
}
ERRORS = {
    "400": {"description": "Invalid input; `errors` names each bad field.", "content": {"application/json": {"schema": ErrorSchema}}},
    "401": {"description": "Not signed in and no valid token.", "content": {"application/json": {"schema": ErrorSchema}}},
    "403": {"description": "Signed in but not allowed.", "content": {"application/json": {"schema": ErrorSchema}}},
    "404": {"description": "Not found, or not visible to this user.", "content": {"application/json": {"schema": ErrorSchema}}},
}


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]
