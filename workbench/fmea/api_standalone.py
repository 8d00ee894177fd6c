"""API: every FMEA a user may see, standalone FMEAs per process owner, and any FMEA by its document id."""

from flask import jsonify
from flask_login import current_user

from workbench.api import openapi
from workbench.api.common import json_body
from workbench.api.routes import ApiRoutes
from workbench.extensions import db
from workbench.fmea import api as fmea_api
from workbench.fmea import places
from workbench.fmea.api import _document, _text, document_json

bp = ApiRoutes("fmea_standalone_api", __name__)


@bp.get("/fmea")
def fmea_list():
    items = [
        {
            **document_summary(item["document"]),
            "project_title": item["project_title"],
            "rows": item["rows"],
            "high": item["high"],
        }
        for item in places.visible(current_user)
    ]
    return jsonify(items=items, total=len(items))


@bp.post("/fmea")
def fmea_create_standalone():
    document = places.create_standalone(current_user, json_body())
    db.session.commit()
    return jsonify(document_json(None, document)), 201


def document_summary(document) -> dict:
    return {
        "id": document.id,
        "kind": document.kind,
        "title": document.title,
        "project_id": document.project_id,
        "process_owner_id": document.process_owner_id,
        "standalone": document.project_id is None,
    }


# -- standalone FMEAs (per process owner) and any FMEA by its document id ---------------------------------------

_did = [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_by_document = (
    "A standalone FMEA is read by everyone signed in and changed only by admins and quality managers (403 otherwise); "
    "a project's FMEA named by its document id keeps the team rule (another team 404, viewer 403 on write)."
)


def _for_document(operations: dict) -> dict:
    """The project path's operations, documented again for ``/fmea/{document_id}...``."""
    out = {}
    for method, spec in operations.items():
        spec = dict(spec)
        spec["parameters"] = _did + [p for p in spec.get("parameters", []) if p["name"] != "project_id"]
        spec["description"] = _by_document
        out[method] = spec
    return out


bp.path("/fmea/{document_id}/rows", **_for_document(fmea_api.bp.paths["/projects/{project_id}/fmea/rows"]))
bp.path("/fmea/{document_id}/issues", **_for_document(fmea_api.bp.paths["/projects/{project_id}/fmea/issues"]))
bp.path("/fmea/{document_id}", **_for_document(fmea_api.bp.paths["/projects/{project_id}/fmea"]))
_summary = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["process", "design"]},
        "title": _text,
        "project_id": {"type": ["integer", "null"]},
        "process_owner_id": {"type": ["integer", "null"]},
        "standalone": {"type": "boolean"},
        "project_title": {"type": ["string", "null"]},
        "rows": {"type": "integer"},
        "high": {"type": "integer", "description": "rows with Action Priority H"},
    },
}
bp.path(
    "/fmea",
    get={
        "summary": "Every FMEA you may see: your teams' project FMEAs and all standalone FMEAs",
        "responses": {"200": openapi.ok("FMEAs", {"type": "object", "properties": {"items": {"type": "array", "items": _summary}, "total": {"type": "integer"}}}), **openapi.ERRORS},
    },
    post={
        "summary": "Create a standalone FMEA for a process owner (admin, quality manager)",
        "requestBody": openapi.body(
            {
                "type": "object",
                "required": ["process_owner", "title"],
                "properties": {
                    "process_owner": {"type": ["integer", "string"], "description": "the process owner's id or key"},
                    "kind": {"type": "string", "enum": ["process", "design"], "default": "process"},
                    "title": _text,
                },
            }
        ),
        "responses": {"201": openapi.ok("Created", _document), **openapi.ERRORS},
    },
)

