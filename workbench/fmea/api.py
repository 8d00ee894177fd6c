"""API: FMEA rows of a project, one row, consistency issues and the organisation's priority setting."""

from datetime import UTC, datetime

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from workbench.api import openapi
from workbench.api.common import version_sent
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body
from workbench.extensions import db
from workbench.fmea import checks, places, revisions, services
from workbench.fmea.priority import PRIORITY_ORDER
from workbench.fmea.schemas import (
    FmeaDocumentSchema,
    FmeaHeaderSchema,
    FmeaIssuesSchema,
    FmeaLinkedActionSchema,
    FmeaRowChangeSchema,
    FmeaRowInSchema,
    FmeaRowSchema,
    FmeaRowsSchema,
    FmeaSettingsInSchema,
    FmeaSettingsSchema,
    FromCausesSchema,
    NewRowActionSchema,
    RowActionSchema,
)
from workbench.models import utcnow
from workbench.persistence import check_version
from workbench.teams.services import get_project
from workbench.validation import InvalidInput

bp = ApiRoutes("fmea_api", __name__)

SORTS = {
    "position": lambda r: (r["position"], r["id"]),
    "ap": lambda r: (-PRIORITY_ORDER.get(r["action_priority"] or "", 0), -(r["severity"] or 0), -(r["rpn"] or 0)),
    "rpn": lambda r: (-(r["rpn"] or 0), r["position"]),
    "severity": lambda r: (-(r["severity"] or 0), r["position"]),
}


def settings_json(setting) -> dict:
    return FmeaSettingsSchema().dump({"priority_driver": setting.priority_driver, "rpn_threshold": setting.rpn_threshold, "version": setting.version or 0})


@bp.get("/projects/<int:project_id>/fmea/rows")
@bp.get("/fmea/<int:document_id>/rows")
def fmea_rows(project_id: int | None = None, document_id: int | None = None):
    document = places.resolve(current_user, project_id, document_id).document
    if request.args.get("changed_since"):
        return _changes(document, request.args["changed_since"])
    rows = services.row_dicts(document)
    ap = request.args.get("ap")
    if ap:
        wanted = set(ap.upper().split(","))
        if not wanted <= {"H", "M", "L"}:
            raise InvalidInput({"ap": _("ap filters by H, M or L (comma separated).")})
        rows = [r for r in rows if r["action_priority"] in wanted]
    if request.args.get("min_severity"):
        try:
            least = int(request.args["min_severity"])
        except ValueError:
            raise InvalidInput({"min_severity": _("min_severity must be a whole number.")}) from None
        rows = [r for r in rows if (r["severity"] or 0) >= least]
    sort = request.args.get("sort", "position")
    if sort not in SORTS:
        raise InvalidInput({"sort": _("sort is one of %(values)s.", values=", ".join(SORTS))})
    rows.sort(key=SORTS[sort])
    return jsonify(items=services.rows_json(rows), total=len(rows))


def _changes(document, since_text: str):
    """Rows changed by anyone after ``since`` and the ids that exist now, for pages that keep up with others."""
    try:
        since = datetime.fromisoformat(since_text)
    except ValueError:
        raise InvalidInput({"changed_since": _("changed_since must be a date and time (ISO 8601).")}) from None
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    now = utcnow()
    rows = services.row_dicts(document, changed_since=since)
    ids = services.row_ids(document)
    # Actions change in the tracker without touching the row: their current state travels with every answer.
    links = {str(k): {"corrective_actions": v, "action_status": services.status_from_actions(v)} for k, v in services.linked_actions(ids).items()}
    return jsonify(items=services.rows_json(rows), total=len(rows), ids=ids, now=now.isoformat(), links=links)


@bp.post("/projects/<int:project_id>/fmea/rows")
@bp.post("/fmea/<int:document_id>/rows")
def fmea_create_row(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    row = services.add_row(places.ensure(place), place.project, checked_body(FmeaRowInSchema))
    db.session.commit()
    return jsonify(services.rows_json([row])[0]), 201


@bp.post("/projects/<int:project_id>/fmea/rows/from-causes")
def fmea_rows_from_causes(project_id: int):
    project = get_project(project_id, current_user, write=True)
    causes = checked_body(FromCausesSchema, complete=True)["causes"]
    created = services.add_rows_from_causes(project, causes, current_user)
    db.session.commit()
    return jsonify(items=services.rows_json(created), total=len(created)), 201


@bp.get("/fmea-rows/<int:row_id>")
def fmea_row(row_id: int):
    return jsonify(services.rows_json([services.row_for(row_id, current_user)])[0])


@bp.route("/fmea-rows/<int:row_id>", methods=["PATCH"])
def fmea_update_row(row_id: int):
    row = services.row_for(row_id, current_user, write=True)
    data = checked_body(FmeaRowChangeSchema)
    check_version(row, data, required=True)
    services.update_row(row, data)
    db.session.commit()
    return jsonify(services.rows_json([row])[0])


@bp.post("/fmea-rows/<int:row_id>/actions")
def fmea_row_create_action(row_id: int):
    row = services.row_for(row_id, current_user, write=True)
    body = request.get_json(silent=True)  # optional: without a body the row decides everything
    chosen = {k: body[k] for k in ("owner_id", "due_date") if isinstance(body, dict) and body.get(k) not in (None, "")}
    created = services.create_linked_action(row, current_user, chosen)
    db.session.commit()
    return jsonify(action=created["action"], message=created.get("message"), row=services.rows_json([row])[0]), 201


@bp.route("/fmea-rows/<int:row_id>", methods=["DELETE"])
def fmea_delete_row(row_id: int):
    row = services.row_for(row_id, current_user, write=True)
    services.delete_row(row, version_sent())
    db.session.commit()
    return "", 204


@bp.get("/projects/<int:project_id>/fmea/issues")
@bp.get("/fmea/<int:document_id>/issues")
def fmea_issues(project_id: int | None = None, document_id: int | None = None):
    document = places.resolve(current_user, project_id, document_id).document
    setting = services.settings()
    rows = services.with_actions(services.row_dicts(document))
    found = checks.issues(rows, setting.priority_driver, setting.rpn_threshold)
    return jsonify(FmeaIssuesSchema().dump({"issues": {str(k): v for k, v in found.items()}}))


def document_json(project, document) -> dict:
    """The header block (empty until the FMEA is started) and the baselines."""
    header = {key: getattr(document, key) if document else None for key in services.HEADER_FIELDS}
    return FmeaDocumentSchema().dump({
        **header, "project_id": project.id if project else None, "process_owner_id": document.process_owner_id if document else None,
        "id": document.id if document else None, "version": document.version if document else 0, "revisions": revisions.revisions_of(document),
    })


@bp.get("/projects/<int:project_id>/fmea")
@bp.get("/fmea/<int:document_id>")
def fmea_document(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    return jsonify(document_json(place.project, place.document))


@bp.route("/projects/<int:project_id>/fmea", methods=["PATCH"])
@bp.route("/fmea/<int:document_id>", methods=["PATCH"])
def fmea_update_document(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    data = checked_body(FmeaHeaderSchema)
    existed = place.document is not None
    document = places.ensure(place)
    if existed:  # a header saved for the first time starts the document: there is no version to have read yet
        check_version(document, data, required=True)
    services.save_header(document, data)
    db.session.commit()
    return jsonify(document_json(place.project, document))


@bp.get("/fmea/settings")
def fmea_settings():
    return jsonify(settings_json(services.settings()))


@bp.route("/fmea/settings", methods=["PATCH"])
def fmea_save_settings():
    setting = services.save_settings(current_user, checked_body(FmeaSettingsInSchema), required=True)
    db.session.commit()
    return jsonify(settings_json(setting))


for _name, _schema in (("FmeaRow", FmeaRowSchema), ("FmeaRowIn", FmeaRowInSchema), ("FmeaLinkedAction", FmeaLinkedActionSchema),
                       ("FmeaDocument", FmeaDocumentSchema), ("FmeaSettings", FmeaSettingsSchema)):
    bp.schema(_name, _schema)
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_rid = [{"name": "row_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_409 = openapi.CONFLICT
bp.path(
    "/projects/{project_id}/fmea/rows",
    get={
        "summary": "The rows of the project's FMEA",
        "parameters": _pid
        + [
            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
            {"name": "ap", "in": "query", "schema": {"type": "string"}, "description": "H, M, L (comma separated)"},
            {"name": "min_severity", "in": "query", "schema": {"type": "integer"}},
            {
                "name": "changed_since",
                "in": "query",
                "schema": {"type": "string", "format": "date-time"},
                "description": "only rows changed after this time; the answer adds `ids` (rows that exist now), `now` (pass it next time) "
                               "and `links` (row id → its corrective actions and the status they give it)",
            },
        ],
        "responses": {"200": openapi.ok("Rows", FmeaRowsSchema), **openapi.ERRORS},
    },
    post={
        "summary": "Add a row (the FMEA is started when missing)",
        "parameters": _pid,
        "requestBody": openapi.body(FmeaRowInSchema),
        "responses": {"201": openapi.ok("Created", FmeaRowSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/projects/{project_id}/fmea/rows/from-causes",
    post={
        "summary": "One row per fishbone cause (failure_cause = text, cause_id = id); causes already in the FMEA are skipped",
        "parameters": _pid,
        "requestBody": openapi.body(FromCausesSchema),
        "responses": {"201": openapi.ok("Rows created", FmeaRowsSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/fmea-rows/{row_id}",
    get={"summary": "One FMEA row", "parameters": _rid, "responses": {"200": openapi.ok("Row", FmeaRowSchema), **openapi.ERRORS}},
    patch={
        "summary": "Change an FMEA row",
        "parameters": _rid,
        "requestBody": openapi.body(FmeaRowChangeSchema),
        "responses": {"200": openapi.ok("Row", FmeaRowSchema), **_409, **openapi.ERRORS},
    },
    delete={
        "summary": "Delete an FMEA row (optional `version` in the body or query)",
        "parameters": _rid,
        "responses": {"204": {"description": "Deleted"}, **_409, **openapi.ERRORS},
    },
)
_row_action_body = openapi.body(NewRowActionSchema)
_row_action_body["required"] = False
bp.path(
    "/fmea-rows/{row_id}/actions",
    post={
        "summary": "Create a corrective action in the project's tracker from this row (linked, not copied)",
        "description": "Title from the prevention or detection action (else the failure cause), owner the responsible person "
                       "(else you), due date the target date (else 30 days from today, said in `message`).",
        "parameters": _rid,
        "requestBody": _row_action_body,
        "responses": {"201": openapi.ok("Created", RowActionSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/projects/{project_id}/fmea/issues",
    get={"summary": "Consistency problems per row id", "parameters": _pid, "responses": {"200": openapi.ok("Issues", FmeaIssuesSchema), **openapi.ERRORS}},
)
bp.path(
    "/fmea/settings",
    get={"summary": "What drives FMEA priority in the organisation", "responses": {"200": openapi.ok("Setting", FmeaSettingsSchema)}},
    patch={"summary": "Change what drives priority (admin, quality manager)", "requestBody": openapi.body(FmeaSettingsInSchema),
           "responses": {"200": openapi.ok("Setting", FmeaSettingsSchema), **_409, **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/fmea",
    get={"summary": "The header block of the project's FMEA and its baselines", "parameters": _pid,
         "responses": {"200": openapi.ok("FMEA", FmeaDocumentSchema), **openapi.ERRORS}},
    patch={"summary": "Change the header block (starts the FMEA when missing)", "parameters": _pid,
           "description": "`version` is required once the FMEA exists (its `id` is not null).", "requestBody": openapi.body(FmeaHeaderSchema),
           "responses": {"200": openapi.ok("FMEA", FmeaDocumentSchema), **_409, **openapi.ERRORS}},
)
