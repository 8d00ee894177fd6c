"""API: every FMEA a user may see, standalone FMEAs per process owner, and any FMEA by its document id."""

from flask import jsonify
from flask_login import current_user

from workbench.api import openapi
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body
from workbench.extensions import db
from workbench.fmea import api as fmea_api
from workbench.fmea import places
from workbench.fmea.api import document_json
from workbench.fmea.schemas import FmeaDocumentSchema, FmeaSummariesSchema, NewStandaloneFmeaSchema

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
    return jsonify(FmeaSummariesSchema().dump({"items": items, "total": len(items)}))


@bp.post("/fmea")
def fmea_create_standalone():
    document = places.create_standalone(current_user, checked_body(NewStandaloneFmeaSchema))
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
bp.path(
    "/fmea",
    get={
        "summary": "Every FMEA you may see: your teams' project FMEAs and all standalone FMEAs",
        "responses": {"200": openapi.ok("FMEAs", FmeaSummariesSchema), **openapi.ERRORS},
    },
    post={
        "summary": "Create a standalone FMEA for a process owner (admin, quality manager)",
        "requestBody": openapi.body(NewStandaloneFmeaSchema),
        "responses": {"201": openapi.ok("Created", FmeaDocumentSchema), **openapi.ERRORS},
    },
)
