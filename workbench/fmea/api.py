"""API: FMEA rows of a project, one row, consistency issues and the organisation's priority setting."""

from datetime import UTC, datetime

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from workbench.api import openapi
from workbench.api.common import json_body, version_sent
from workbench.api.routes import ApiRoutes
from workbench.extensions import db
from workbench.fmea import checks, places, revisions, services
from workbench.fmea.models import ACTION_STATUSES, WORK_ELEMENT_TYPES
from workbench.fmea.priority import PRIORITY_ORDER
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
    return {"priority_driver": setting.priority_driver, "rpn_threshold": setting.rpn_threshold, "version": setting.version or 0}


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
    row = services.add_row(places.ensure(place), place.project, json_body())
    db.session.commit()
    return jsonify(services.rows_json([row])[0]), 201


@bp.post("/projects/<int:project_id>/fmea/rows/from-causes")
def fmea_rows_from_causes(project_id: int):
    project = get_project(project_id, current_user, write=True)
    causes = json_body().get("causes")
    if not isinstance(causes, list) or not all(isinstance(c, dict) and isinstance(c.get("id"), int) for c in causes):
        raise InvalidInput({"causes": _("causes must be a list of {id, text, category} with whole-number ids.")})
    created = services.add_rows_from_causes(project, causes, current_user)
    db.session.commit()
    return jsonify(items=services.rows_json(created), total=len(created)), 201


@bp.get("/fmea-rows/<int:row_id>")
def fmea_row(row_id: int):
    return jsonify(services.rows_json([services.row_for(row_id, current_user)])[0])


@bp.route("/fmea-rows/<int:row_id>", methods=["PATCH"])
def fmea_update_row(row_id: int):
    row = services.row_for(row_id, current_user, write=True)
    data = json_body()
    check_version(row, data, required=True)
    services.update_row(row, data)
    db.session.commit()
    return jsonify(services.rows_json([row])[0])


@bp.post("/fmea-rows/<int:row_id>/actions")
def fmea_row_create_action(row_id: int):
    row = services.row_for(row_id, current_user, write=True)
    body = request.get_json(silent=True)
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
    return jsonify(issues={str(k): v for k, v in found.items()})


def document_json(project, document) -> dict:
    out = {
        "project_id": project.id if project else None,
        "process_owner_id": document.process_owner_id if document else None,
        "id": document.id if document else None,
        "version": document.version if document else 0,
    }
    for key in services.HEADER_FIELDS:
        value = getattr(document, key) if document else None
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    out["revisions"] = [{"number": r.number, "label": r.label, "created_at": r.created_at.isoformat(), "rows": len(r.snapshot)} for r in revisions.revisions_of(document)]
    return out


@bp.get("/projects/<int:project_id>/fmea")
@bp.get("/fmea/<int:document_id>")
def fmea_document(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    return jsonify(document_json(place.project, place.document))


@bp.route("/projects/<int:project_id>/fmea", methods=["PATCH"])
@bp.route("/fmea/<int:document_id>", methods=["PATCH"])
def fmea_update_document(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    data = json_body()
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
    setting = services.save_settings(current_user, json_body(), required=True)
    db.session.commit()
    return jsonify(settings_json(setting))


_rating = {"type": ["integer", "null"], "minimum": 1, "maximum": 10}
_text = {"type": "string"}
_row_props = {
    "process_item": _text,
    "process_step": _text,
    "work_element": _text,
    "work_element_type": {"type": ["string", "null"], "enum": [*WORK_ELEMENT_TYPES, None]},
    "function": _text,
    "failure_effect": _text,
    "severity": _rating,
    "failure_mode": _text,
    "failure_cause": _text,
    "prevention_control": _text,
    "occurrence": _rating,
    "detection_control": _text,
    "detection": _rating,
    "special_characteristic": _text,
    "filter_code": _text,
    "prevention_action": _text,
    "detection_action": _text,
    "responsible_id": {"type": ["integer", "null"]},
    "target_date": {"type": ["string", "null"], "format": "date"},
    "action_status": {"type": "string", "enum": list(ACTION_STATUSES)},
    "action_taken": _text,
    "evidence": _text,
    "completion_date": {"type": ["string", "null"], "format": "date"},
    "revised_severity": _rating,
    "revised_occurrence": _rating,
    "revised_detection": _rating,
    "remarks": _text,
    "cause_id": {"type": ["integer", "null"], "description": "id of the fishbone cause the row came from"},
}
_ap = {"type": ["string", "null"], "enum": ["H", "M", "L", None]}
bp.schema(
    "FmeaLinkedAction",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "title": _text, "status": _text, "status_label": _text, "overdue": {"type": "boolean"},
            "owner": {"type": ["string", "null"]}, "due_date": {"type": "string", "format": "date"}, "url": _text,
        },
    },
)
bp.schema(
    "FmeaRow",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "version": {"type": "integer"},
            "position": {"type": "integer"},
            **_row_props,
            "rpn": {"type": ["integer", "null"], "description": "S × O × D"},
            "action_priority": _ap,
            "revised_rpn": {"type": ["integer", "null"]},
            "revised_action_priority": _ap,
            "corrective_actions": {"type": "array", "items": openapi.ref("FmeaLinkedAction"),
                                   "description": "the project's corrective actions that address this row; when there are any, "
                                                  "`action_status` is read from them (all done or verified = completed)"},
        },
    },
)
_row_in = {"type": "object", "properties": {**_row_props, "version": {"type": "integer", "description": "the version you read; a stale one answers 409"}}}
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
        "responses": {"200": openapi.ok("Rows", {"type": "object", "properties": {"items": {"type": "array", "items": openapi.ref("FmeaRow")}, "total": {"type": "integer"}}}), **openapi.ERRORS},
    },
    post={
        "summary": "Add a row (the FMEA is started when missing)",
        "parameters": _pid,
        "requestBody": openapi.body(_row_in),
        "responses": {"201": openapi.ok("Created", openapi.ref("FmeaRow")), **openapi.ERRORS},
    },
)
bp.path(
    "/projects/{project_id}/fmea/rows/from-causes",
    post={
        "summary": "One row per fishbone cause (failure_cause = text, cause_id = id); causes already in the FMEA are skipped",
        "parameters": _pid,
        "requestBody": openapi.body(
            {
                "type": "object",
                "required": ["causes"],
                "properties": {
                    "causes": {
                        "type": "array",
                        "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "text": _text, "category": _text}},
                    }
                },
            }
        ),
        "responses": {"201": openapi.ok("Rows created", {"type": "object", "properties": {"items": {"type": "array", "items": openapi.ref("FmeaRow")}, "total": {"type": "integer"}}}), **openapi.ERRORS},
    },
)
bp.path(
    "/fmea-rows/{row_id}",
    get={"summary": "One FMEA row", "parameters": _rid, "responses": {"200": openapi.ok("Row", openapi.ref("FmeaRow")), **openapi.ERRORS}},
    patch={
        "summary": "Change an FMEA row",
        "parameters": _rid,
        "requestBody": openapi.body(openapi.versioned(_row_in)),
        "responses": {"200": openapi.ok("Row", openapi.ref("FmeaRow")), **_409, **openapi.ERRORS},
    },
    delete={
        "summary": "Delete an FMEA row (optional `version` in the body or query)",
        "parameters": _rid,
        "responses": {"204": {"description": "Deleted"}, **_409, **openapi.ERRORS},
    },
)
bp.path(
    "/fmea-rows/{row_id}/actions",
    post={
        "summary": "Create a corrective action in the project's tracker from this row (linked, not copied)",
        "description": "Title from the prevention or detection action (else the failure cause), owner the responsible person "
                       "(else you), due date the target date (else 30 days from today, said in `message`).",
        "parameters": _rid,
        "responses": {
            "201": openapi.ok("Created", {"type": "object", "properties": {
                "action": openapi.ref("FmeaLinkedAction"), "message": {"type": ["string", "null"]}, "row": openapi.ref("FmeaRow")}}),
            **openapi.ERRORS,
        },
    },
)
bp.path(
    "/projects/{project_id}/fmea/issues",
    get={"summary": "Consistency problems per row id", "parameters": _pid, "responses": {"200": openapi.ok("Issues"), **openapi.ERRORS}},
)
_settings = {
    "type": "object",
    "properties": {"priority_driver": {"type": "string", "enum": ["ap", "rpn"]}, "rpn_threshold": {"type": "integer", "minimum": 1, "maximum": 1000}, "version": {"type": "integer"}},
}
bp.path(
    "/fmea/settings",
    get={"summary": "What drives FMEA priority in the organisation", "responses": {"200": openapi.ok("Setting", _settings)}},
    patch={"summary": "Change what drives priority (admin, quality manager)", "requestBody": openapi.body(_settings), "responses": {"200": openapi.ok("Setting", _settings), **_409, **openapi.ERRORS}},
)
_document = {
    "type": "object",
    "properties": {
        "project_id": {"type": ["integer", "null"], "description": "null for a standalone FMEA"},
        "process_owner_id": {"type": ["integer", "null"], "description": "the process a standalone FMEA belongs to"},
        "id": {"type": ["integer", "null"], "description": "null until the FMEA is started"},
        "version": {"type": "integer"},
        "kind": {"type": "string", "enum": ["process", "design"]},
        "title": _text, "company": _text, "location": _text, "customer": _text, "program": _text,
        "responsible": _text, "confidentiality": _text,
        "start_date": {"type": "string", "format": "date"},
        "revisions": {"type": "array", "items": {"type": "object"}, "description": "frozen baselines (number, label, created_at, rows)"},
    },
}
bp.path(
    "/projects/{project_id}/fmea",
    get={"summary": "The header block of the project's FMEA and its baselines", "parameters": _pid, "responses": {"200": openapi.ok("FMEA", _document), **openapi.ERRORS}},
    patch={"summary": "Change the header block (starts the FMEA when missing)", "parameters": _pid,
           "description": "`version` is required once the FMEA exists (its `id` is not null).", "requestBody": openapi.body(_document), "responses": {"200": openapi.ok("FMEA", _document), **_409, **openapi.ERRORS}},
)

